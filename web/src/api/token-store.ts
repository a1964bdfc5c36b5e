/** Where the optional API token lives. Never in the URL: only localStorage and a header. */
export const TOKEN_STORAGE_KEY = 'switchboard.token';

type Listener = () => void;

/**
 * The token read from and written to localStorage, with change listeners so the socket
 * reconnects with the new credentials. Works without storage (private mode): then the
 * token lives only as long as the page.
 */
export class TokenStore {
  #memory: string | null = null;
  readonly #listeners = new Set<Listener>();

  get(): string | null {
    try {
      const value = window.localStorage.getItem(TOKEN_STORAGE_KEY);
      return value === null || value.trim() === '' ? this.#memory : value.trim();
    } catch {
      return this.#memory;
    }
  }

  set(token: string | null): void {
    const value = token === null || token.trim() === '' ? null : token.trim();
    this.#memory = value;
    try {
      if (value === null) window.localStorage.removeItem(TOKEN_STORAGE_KEY);
      else window.localStorage.setItem(TOKEN_STORAGE_KEY, value);
    } catch {
      // storage unavailable: the in-memory copy is used
    }
    for (const listener of this.#listeners) listener();
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
