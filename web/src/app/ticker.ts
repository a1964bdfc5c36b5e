type Listener = () => void;

/** Wall-clock tick shared by every countdown: one interval for the page instead of one per card. */
export class Ticker {
  readonly #listeners = new Set<Listener>();
  #timer: ReturnType<typeof setInterval> | null = null;
  #now = Date.now();

  start(): void {
    if (this.#timer !== null) return;
    this.#now = Date.now();
    this.#timer = setInterval(() => {
      this.#now = Date.now();
      for (const l of this.#listeners) l();
    }, 1_000);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  readonly subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly now = (): number => this.#now;
}
