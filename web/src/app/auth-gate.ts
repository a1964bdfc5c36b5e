type Listener = () => void;

/** Why the token prompt is showing: the server refused a request, or the person chose to sign in. */
export type AuthPromptReason = 'unauthorized' | 'sign-in';

/** Whether the token prompt is showing: opened by any 401 (REST or socket) or the Sign in button, closed by the prompt. */
export class AuthGate {
  #reason: AuthPromptReason | null = null;
  readonly #listeners = new Set<Listener>();

  readonly subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly reason = (): AuthPromptReason | null => this.#reason;

  /** A 401 wins over a sign-in already showing: the wording must then say a token is required. */
  readonly request = (): void => this.#set('unauthorized');

  readonly signIn = (): void => {
    if (this.#reason === null) this.#set('sign-in');
  };

  readonly close = (): void => this.#set(null);

  #set(reason: AuthPromptReason | null): void {
    if (reason === this.#reason) return;
    this.#reason = reason;
    for (const listener of this.#listeners) listener();
  }
}
