import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IdempotencyKeyReusedError, InternalError, SwitchboardError, ValidationError } from '../core/errors.js';
import type { IdempotentResponse } from '../core/ports.js';
import type { IdempotencyClaim } from '../services/types.js';

/** The request header (lower case, as Node delivers it) that makes a create retry-safe. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Set on a replayed answer so a client can tell its retry was deduplicated. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** Long enough for a UUID plus a prefix; longer keys are a client bug. */
export const IDEMPOTENCY_KEY_MAX_CHARS = 255;

/** The result of a create: the status and body to send, and to store under the key. */
export interface CreatedResponse<T = unknown> {
  statusCode: number;
  body: T;
}

/** How a route creates (with the claim to store in the same transaction) and how it answers a replay. */
export interface CreateOps<T> {
  create(claim: IdempotencyClaim | undefined): Promise<CreatedResponse<T>>;
  /** Renders the answer for a create already made under the key (`stored.body` names the record). */
  replay(stored: IdempotentResponse): Promise<CreatedResponse<T>>;
}

/**
 * Runs a create at most once per `Idempotency-Key`. The key is stored by the orchestrator
 * in the same transaction as the record it created, so a retry after a crash, or two
 * nodes racing with the same key, can never create twice: the loser replays the
 * winner's answer (with `Idempotent-Replayed: true`). The same key with another request
 * is refused (422). Keys are scoped by the caller's subject.
 */
export class IdempotentCreates {
  constructor(private readonly lookup: (key: string) => Promise<IdempotentResponse | null>) {}

  async run<T>(request: FastifyRequest, reply: FastifyReply, subject: string, ops: CreateOps<T>): Promise<T> {
    const rawKey = request.headers[IDEMPOTENCY_HEADER];
    if (rawKey === undefined) return send(reply, await ops.create(undefined), false);
    const key = validKey(rawKey);
    const claim: IdempotencyClaim = { key: `${subject}|${key}`, requestHash: hashRequest(request.method, request.url, request.body) };
    const stored = await this.lookup(claim.key);
    if (stored !== null) return send(reply, await ops.replay(checkReplay(stored, claim.requestHash, key)), true);
    try {
      return send(reply, await ops.create(claim), false);
    } catch (err) {
      if (!(err instanceof SwitchboardError && err.code === 'ALREADY_EXISTS' && err.details?.['idempotencyKey'] === claim.key)) throw err;
      const winner = await this.lookup(claim.key);
      if (winner === null) throw err;
      return send(reply, await ops.replay(checkReplay(winner, claim.requestHash, key)), true);
    }
  }
}

function checkReplay(stored: IdempotentResponse, requestHash: string, key: string): IdempotentResponse {
  if (stored.requestHash !== requestHash) {
    throw new IdempotencyKeyReusedError(key);
  }
  return stored;
}

/** The id a stored create names (`{ taskId }` or `{ agentId }`). */
export function storedId(stored: IdempotentResponse, field: 'taskId' | 'agentId'): string {
  const body = stored.body;
  const id = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  if (typeof id !== 'string') throw new InternalError(`Stored idempotent answer has no ${field}`);
  return id;
}

function send<T>(reply: FastifyReply, response: CreatedResponse<T>, replayed: boolean): T {
  if (replayed) void reply.header(REPLAYED_HEADER, 'true');
  void reply.code(response.statusCode);
  return response.body;
}

function validKey(raw: string | string[]): string {
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined || raw.length === 0 || Array.isArray(raw) || !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new ValidationError(`Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX_CHARS} printable characters, sent once`, {
      field: 'Idempotency-Key',
      location: 'headers',
    });
  }
  return key;
}

/** Method, path and body with keys sorted: the same request always hashes alike, whatever its key order. */
export function hashRequest(method: string, url: string, body: unknown): string {
  const path = url.split('?')[0] ?? url;
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`)
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
