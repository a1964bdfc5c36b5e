import type { ErrorCode } from '../core/errors.js';

/**
 * The server said no: a non-2xx answer carrying the API's error envelope. `code` is the
 * server's own code (docs/errors.md), so callers branch on it rather than on the text or
 * the status, exactly as the server's handlers do.
 */
export class SwitchboardApiError extends Error {
  override readonly name = 'SwitchboardApiError';
  /** The server's error code, e.g. TASK_NOT_FOUND or STALE_LEASE. */
  readonly code: ErrorCode;
  /** The HTTP status it came with. */
  readonly status: number;
  /** The envelope's `details` (the offending field, the expected status, ...); empty when the server sent none. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(params: { code: ErrorCode; status: number; message: string; details?: Record<string, unknown> }) {
    super(params.message);
    this.code = params.code;
    this.status = params.status;
    this.details = params.details ?? {};
  }
}

/**
 * Failures of the SDK's own, which no server code describes: the request never got an
 * answer (`NETWORK`) or the answer was not the API's JSON (`INVALID_RESPONSE`, e.g. a
 * proxy's HTML error page). Kept apart from {@link SwitchboardApiError} so that a retry
 * decision never mistakes a dropped connection for a refusal.
 */
export type ClientErrorCode = 'NETWORK' | 'INVALID_RESPONSE';

/** A request that failed on the client's side of the wire; see {@link ClientErrorCode}. */
export class SwitchboardClientError extends Error {
  override readonly name = 'SwitchboardClientError';
  readonly code: ClientErrorCode;
  /** The HTTP status when there was an answer (INVALID_RESPONSE); null for NETWORK. */
  readonly status: number | null;

  constructor(params: { code: ClientErrorCode; message: string; status?: number | null; cause?: unknown }) {
    super(params.message, params.cause === undefined ? undefined : { cause: params.cause });
    this.code = params.code;
    this.status = params.status ?? null;
  }
}
