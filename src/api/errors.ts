import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  BodyTooLargeError,
  InvalidJsonError,
  RouteNotFoundError,
  SwitchboardError,
  UnsupportedMediaTypeError,
  ValidationError,
  type ErrorCode,
} from '../core/errors.js';
import type { ErrorBody } from './schemas.js';

/**
 * The one place HTTP statuses live (style rule 8). Exhaustive: adding an ErrorCode
 * without a status fails the type check.
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = Object.freeze({
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  ROUTE_NOT_FOUND: 404,
  TASK_NOT_FOUND: 404,
  AGENT_NOT_FOUND: 404,
  NOTIFICATION_NOT_FOUND: 404,
  DEPENDENCY_NOT_FOUND: 422,
  DEPENDENCY_CYCLE: 400,
  TASK_INVALID_TRANSITION: 409,
  VERSION_CONFLICT: 409,
  ALREADY_EXISTS: 409,
  NO_AVAILABLE_AGENT: 409,
  AGENT_NOT_ELIGIBLE: 409,
  STALE_LEASE: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  STORE_UNAVAILABLE: 503,
  INTERNAL: 500,
});

/** How many individual validation problems an error lists in `details.errors`. */
export const VALIDATION_ERRORS_SHOWN = 10;

/** What a validation error from the schema compiler looks like (TypeBox and Ajv share it). */
interface SchemaIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** What a 500 says: nothing about the cause, which only the server log holds (next to the request id). */
export const INTERNAL_MESSAGE = 'Internal server error';

/**
 * Turns any error into the API's envelope and status. Fastify's own errors (bad JSON,
 * body too large, schema validation) get our codes. An INTERNAL error, coded or not, is
 * a bug: its message and details may carry driver text, SQL or SQLSTATE, so the caller
 * sees only the generic message. Every 5xx carries `details.requestId` (when given) so an
 * operator can find the real cause in the log.
 */
export function toErrorResponse(err: unknown, requestId?: string): { statusCode: number; body: ErrorBody; internal: boolean } {
  const response = classify(err);
  if (response.statusCode >= 500 && requestId !== undefined) response.body.details = { ...response.body.details, requestId };
  return response;
}

function classify(err: unknown): { statusCode: number; body: ErrorBody; internal: boolean } {
  if (err instanceof SwitchboardError && err.code !== 'INTERNAL') return { ...envelope(err), internal: false };
  const fastifyError = err instanceof SwitchboardError ? null : asFastifyError(err);
  if (fastifyError !== null) {
    if (Array.isArray(fastifyError.validation)) {
      return {
        ...envelope(schemaValidationError(fastifyError.validation as SchemaIssue[], fastifyError.validationContext ?? 'body')),
        internal: false,
      };
    }
    const mapped = typeof fastifyError.code === 'string' ? FASTIFY_ERRORS[fastifyError.code] : undefined;
    if (mapped !== undefined) return { ...envelope(mapped()), internal: false };
    const status = fastifyError.statusCode ?? 500;
    if (status >= 400 && status < 500) return { ...envelope(new ValidationError(fastifyError.message, { field: '' })), internal: false };
  }
  return { statusCode: HTTP_STATUS.INTERNAL, body: { success: false, error: INTERNAL_MESSAGE, code: 'INTERNAL' }, internal: true };
}

/** The JSON 404 for an unknown route, so scripts never have to parse an HTML page (seed defect 13). */
export function routeNotFound(method: string, url: string): { statusCode: number; body: ErrorBody } {
  return envelope(new RouteNotFoundError(method, url.split('?')[0] ?? url));
}

/** Fastify error handler: logs what the caller cannot fix, answers the envelope. */
export function handleError(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { statusCode, body, internal } = toErrorResponse(err, request.id);
  if (internal) request.log.error({ err }, 'unhandled error');
  else if (statusCode >= 500) request.log.warn({ err }, body.error);
  if (body.code === 'RATE_LIMITED') {
    const retryAfter = body.details?.['retryAfterSeconds'];
    if (typeof retryAfter === 'number') void reply.header('Retry-After', String(retryAfter));
  }
  void reply.code(statusCode).send(body);
}

/** Fastify's own request errors, as our coded errors (worded by their constructors in core). */
const FASTIFY_ERRORS: Readonly<Record<string, () => SwitchboardError>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => new InvalidJsonError('malformed'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new InvalidJsonError('empty'),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new BodyTooLargeError(),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new UnsupportedMediaTypeError(),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new ValidationError('Request body size did not match Content-Length', { field: 'Content-Length', location: 'headers' }),
  FST_ERR_BAD_URL: () => new ValidationError('The URL is malformed: a percent-encoding is not valid UTF-8', { field: '', location: 'url' }),
  FST_ERR_MAX_PARAM_LENGTH: () => new ValidationError('A path parameter is too long', { field: '', location: 'params' }),
};

function envelope(err: SwitchboardError): { statusCode: number; body: ErrorBody } {
  const { code, details } = err;
  const body: ErrorBody = { success: false, error: publicMessage(err), code };
  if (details !== undefined && Object.keys(details).length > 0) body.details = details;
  // The seed's scripts read `taskId` / `agentId` next to `error` on a 404.
  const id = details?.[code === 'TASK_NOT_FOUND' ? 'taskId' : 'agentId'];
  if (code === 'TASK_NOT_FOUND' && typeof id === 'string') body.taskId = id;
  if (code === 'AGENT_NOT_FOUND' && typeof id === 'string') body.agentId = id;
  return { statusCode: HTTP_STATUS[code], body };
}

/** The seed answered exactly "Task not found" / "Agent not found"; scripts may compare the text. */
function publicMessage(err: SwitchboardError): string {
  if (err.code === 'TASK_NOT_FOUND') return 'Task not found';
  if (err.code === 'AGENT_NOT_FOUND') return 'Agent not found';
  return err.message;
}

function schemaValidationError(issues: readonly SchemaIssue[], location: string): ValidationError {
  const seen = new Map<string, string>();
  for (const issue of issues) {
    const field = issueField(issue);
    if (!seen.has(field)) seen.set(field, issueMessage(issue));
  }
  const errors = [...seen].map(([field, message]) => ({ field, message }));
  const first = errors[0] ?? { field: '', message: 'is invalid' };
  return new ValidationError(`Invalid ${location}: ${first.field === '' ? '' : `${first.field} `}${first.message}`, {
    field: first.field,
    location,
    errors: errors.slice(0, VALIDATION_ERRORS_SHOWN),
  });
}

/** The path of the offending field; a missing or unknown property names the property itself. */
function issueField(issue: SchemaIssue): string {
  const path = issue.instancePath ?? '';
  const params = issue.params ?? {};
  const missing = params['requiredProperties'] ?? params['missingProperty'];
  if (issue.keyword === 'required') {
    const name = Array.isArray(missing) ? missing[0] : missing;
    if (typeof name === 'string') return `${path}/${name}`;
  }
  const extra = params['additionalProperties'] ?? params['additionalProperty'];
  if (issue.keyword === 'additionalProperties') {
    const name = Array.isArray(extra) ? extra[0] : extra;
    if (typeof name === 'string') return `${path}/${name}`;
  }
  return path;
}

function issueMessage(issue: SchemaIssue): string {
  const params = issue.params ?? {};
  if (issue.keyword === 'enum' && Array.isArray(params['allowedValues'])) return `must be one of ${params['allowedValues'].join(', ')}`;
  if (issue.keyword === 'boolean' || issue.keyword === 'additionalProperties') return 'is not an allowed property';
  if (issue.keyword === 'required') return 'is required';
  return issue.message ?? 'is invalid';
}

function asFastifyError(err: unknown): (FastifyError & { validation?: unknown; validationContext?: string }) | null {
  if (!(err instanceof Error)) return null;
  const candidate = err as Partial<FastifyError> & { validation?: unknown };
  const coded = typeof candidate.code === 'string' || typeof candidate.statusCode === 'number' || Array.isArray(candidate.validation);
  return coded ? (err as FastifyError) : null;
}
