import type { ErrorCode } from '../core/errors.js';
import { SwitchboardApiError, SwitchboardClientError } from './errors.js';
import { OPERATIONS, type OperationName } from './operations.js';

/** The header the server reads a lease's fencing token from (src/api/route-context.ts). */
export const LEASE_TOKEN_HEADER = 'X-Lease-Token';
/** The header the creates deduplicate on. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Where and as whom the client talks; see createClient. */
export interface TransportOptions {
  /** The server's origin, e.g. `http://127.0.0.1:3000` (a trailing slash is fine). */
  url: string;
  /** An API token, sent as `Authorization: Bearer`; omit where the server allows anonymous access. */
  token?: string;
  /** Defaults to the global fetch (Node 20 and every browser); pass one to add retries, tracing or a test double. */
  fetch?: typeof fetch;
}

/** One call: which operation, its path parameters, query, JSON body and extra headers. */
export interface Call {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string | undefined>;
  signal?: AbortSignal;
}

/** Sends one operation of {@link OPERATIONS}; what every resource method is built on. */
export type Send = <T>(operation: OperationName, call?: Call) => Promise<T>;

/**
 * The transport: JSON in and out, bearer auth, and every failure turned into one of the
 * two SDK errors, so no caller ever sees a bare `TypeError: fetch failed` or parses an
 * envelope by hand.
 */
export function createTransport(options: TransportOptions): Send {
  const base = options.url.replace(/\/+$/, '');
  // Resolved per call, not captured: a test or polyfill may install fetch after the client is made.
  const fetchFn = (...args: Parameters<typeof fetch>) => (options.fetch ?? globalThis.fetch)(...args);

  return async function send<T>(operation: OperationName, call: Call = {}): Promise<T> {
    const { method, path } = OPERATIONS[operation];
    const url = base + expandPath(path, call.params ?? {}) + queryString(call.query);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
    // Only with a body: Fastify refuses an empty body declared as JSON.
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    for (const [name, value] of Object.entries(call.headers ?? {})) if (value !== undefined) headers[name] = value;

    let response: Response;
    try {
      response = await fetchFn(url, {
        method,
        headers,
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        ...(call.signal === undefined ? {} : { signal: call.signal }),
      });
    } catch (err) {
      // An abort is the caller's own decision, not a network failure: let it through as it is.
      if (call.signal?.aborted === true) throw err;
      throw new SwitchboardClientError({ code: 'NETWORK', message: `${method} ${url}: ${describe(err)}`, cause: err });
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch (err) {
      throw new SwitchboardClientError({
        code: 'INVALID_RESPONSE',
        status: response.status,
        message: `${method} ${url}: answered ${response.status} with a body that is not JSON`,
        cause: err,
      });
    }
    if (response.ok) return json as T;
    throw apiError(response.status, json, `${method} ${url}`);
  };
}

/** The envelope as the SDK error; an answer without one is INVALID_RESPONSE, not a guessed server code. */
function apiError(status: number, json: unknown, what: string): Error {
  if (typeof json === 'object' && json !== null && typeof (json as { code?: unknown }).code === 'string') {
    const body = json as { code: string; error?: unknown; details?: unknown };
    const details = typeof body.details === 'object' && body.details !== null ? (body.details as Record<string, unknown>) : undefined;
    return new SwitchboardApiError({
      // A newer server may send a code this build does not list; it is still the server's code.
      code: body.code as ErrorCode,
      status,
      message: typeof body.error === 'string' ? body.error : `${what}: ${status}`,
      ...(details === undefined ? {} : { details }),
    });
  }
  return new SwitchboardClientError({ code: 'INVALID_RESPONSE', status, message: `${what}: answered ${status} without an error envelope` });
}

/** `/api/tasks/{taskId}` with `{ taskId: 'TASK-1' }` -> `/api/tasks/TASK-1`, each value URL-encoded. */
export function expandPath(path: string, params: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`Missing path parameter ${name} for ${path}`);
    return encodeURIComponent(value);
  });
}

function queryString(query: Call['query']): string {
  if (query === undefined) return '';
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}
