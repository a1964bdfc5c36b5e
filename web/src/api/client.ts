import type { TokenStore } from './token-store.js';

/** The API's error envelope: `{ success: false, error, code, details? }`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>> | null;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The invalid field named by a 400 VALIDATION_FAILED (`/title` -> `title`, `/labels/2` -> `labels`). */
  get field(): string | null {
    const raw = this.details?.['field'];
    if (typeof raw !== 'string') return null;
    const first = raw.replace(/^\//, '').split('/')[0];
    return first === undefined || first === '' ? null : first;
  }
}

export type QueryValue = string | number | null | undefined | readonly string[];

export interface ApiClientOptions {
  tokens: TokenStore;
  /** Called on every 401 so the shell can ask for a token. */
  onUnauthorized: () => void;
}

/**
 * Thin fetch wrapper: relative same-origin URLs, the envelope unwrapped, errors thrown
 * as ApiError with the server's human message. The optional token goes in a header,
 * never in the URL.
 */
export class ApiClient {
  readonly #tokens: TokenStore;
  readonly #onUnauthorized: () => void;

  constructor(options: ApiClientOptions) {
    this.#tokens = options.tokens;
    this.#onUnauthorized = options.onUnauthorized;
  }

  get<T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal): Promise<T> {
    return this.#send<T>('GET', withQuery(path, query), undefined, signal);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.#send<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.#send<T>('PUT', path, body);
  }

  async #send<T>(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = this.#tokens.get();
    if (token !== null) headers['Authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? null : JSON.stringify(body), signal: signal ?? null });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiError(0, 'NETWORK', 'The server cannot be reached', null);
    }
    const payload = await readJson(response);
    if (response.ok && isRecord(payload) && payload['success'] !== false) return payload as T;
    if (response.status === 401) this.#onUnauthorized();
    throw toApiError(response.status, payload);
  }
}

function withQuery(path: string, query: Record<string, QueryValue> | undefined): string {
  if (query === undefined) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(','));
    } else {
      params.set(key, String(value));
    }
  }
  const qs = params.toString();
  return qs === '' ? path : `${path}?${qs}`;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function toApiError(status: number, payload: unknown): ApiError {
  if (isRecord(payload)) {
    const message = typeof payload['error'] === 'string' ? payload['error'] : `Request failed (${status})`;
    const code = typeof payload['code'] === 'string' ? payload['code'] : 'HTTP_' + String(status);
    const details = isRecord(payload['details']) ? payload['details'] : null;
    return new ApiError(status, code, message, details);
  }
  return new ApiError(status, 'HTTP_' + String(status), `Request failed (${status})`, null);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A message fit for a toast, whatever was thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong';
}
