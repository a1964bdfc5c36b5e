type Listener = () => void;

/** Whether the token prompt is showing: opened by any 401 (REST or socket), closed by the prompt. */
export class AuthGate {
  #open = false;
  readonly #listeners = new Set<Listener>();

  readonly subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly isOpen = (): boolean => this.#open;

  readonly request = (): void => this.#set(true);

  readonly close = (): void => this.#set(false);

  #set(open: boolean): void {
    if (open === this.#open) return;
    this.#open = open;
    for (const listener of this.#listeners) listener();
  }
}
