/** Where the optional API token lives. Never in the URL: only localStorage and a header. */
export const TOKEN_STORAGE_KEY = 'switchboard.token';
/** The human agent the signed-in token is bound to (from GET /api/whoami), kept so the page knows it before its first answer. */
export const AGENT_ID_STORAGE_KEY = 'switchboard.agent';

type Listener = () => void;

/**
 * One string kept in localStorage, with change listeners (the socket reconnects when the
 * token changes). Works without storage (private mode): then the value lives only as
 * long as the page.
 */
export class StoredValue {
  #memory: string | null = null;
  readonly #listeners = new Set<Listener>();

  constructor(readonly key: string) {}

  get(): string | null {
    try {
      const value = window.localStorage.getItem(this.key);
      return value === null || value.trim() === '' ? this.#memory : value.trim();
    } catch {
      return this.#memory;
    }
  }

  set(input: string | null): void {
    const value = input === null || input.trim() === '' ? null : input.trim();
    this.#memory = value;
    try {
      if (value === null) window.localStorage.removeItem(this.key);
      else window.localStorage.setItem(this.key, value);
    } catch {
      // storage unavailable: the in-memory copy is used
    }
    for (const listener of this.#listeners) listener();
  }

  readonly subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };
}

/** The API token, sent as `Authorization: Bearer` and as the socket's `auth.token`. */
export class TokenStore extends StoredValue {
  constructor() {
    super(TOKEN_STORAGE_KEY);
  }
}
