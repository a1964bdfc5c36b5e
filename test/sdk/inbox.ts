/** Generous: the suite shares two cores with every other test file, and a timeout here is a failure, not a wait. */
export const WAIT_MS = 15_000;

/** Collects what a handler is given and resolves a wait as soon as enough has arrived (no sleeps). */
export class Inbox<T> {
  readonly items: T[] = [];
  #waiters: { done: () => boolean; resolve: () => void }[] = [];

  readonly push = (item: T) => {
    this.items.push(item);
    this.#waiters = this.#waiters.filter((w) => (w.done() ? (w.resolve(), false) : true));
  };

  until(done: (items: T[]) => boolean, what: string): Promise<T[]> {
    if (done(this.items)) return Promise.resolve(this.items);
    return new Promise<T[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.items)}`)), WAIT_MS);
      this.#waiters.push({
        done: () => done(this.items),
        resolve: () => {
          clearTimeout(timer);
          resolve(this.items);
        },
      });
    });
  }
}
