import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import { ConflictError, SwitchboardError, ValidationError } from '../core/errors.js';
import type { IdempotentResponse, Store } from '../core/ports.js';

/**
 * Where answers to creates made with an `Idempotency-Key` are kept. The orchestrator
 * does not expose the store's idempotency table, so the API is given this narrow view
 * of it (main.ts builds it with {@link idempotencyStoreFrom}).
 */
export interface IdempotencyStore {
  get(key: string): Promise<IdempotentResponse | null>;
  /** Throws ConflictError (ALREADY_EXISTS) when the key is already stored. */
  put(record: IdempotentResponse): Promise<void>;
}

/** The request header (lower case, as Node delivers it) that makes a create retry-safe. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Set on a replayed answer so a client can tell its retry was deduplicated. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** Long enough for a UUID plus a prefix; longer keys are a client bug. */
export const IDEMPOTENCY_KEY_MAX_CHARS = 255;
/** How many keys the in-memory fallback remembers (oldest forgotten first). */
export const MEMORY_IDEMPOTENCY_KEYS_MAX = 10_000;

/** The store's idempotency table as an {@link IdempotencyStore}. */
export function idempotencyStoreFrom(store: Pick<Store, 'idempotency' | 'transaction'>): IdempotencyStore {
  return {
    get: (key) => store.idempotency.get({ key }),
    put: (record) => store.transaction((tx) => tx.idempotency.put(record)),
  };
}

/**
 * A per-process store for apps built without one (tests, tools). Keys are lost on
 * restart and not shared between nodes; production passes the database-backed one.
 */
export function memoryIdempotencyStore(maxKeys = MEMORY_IDEMPOTENCY_KEYS_MAX): IdempotencyStore {
  const records = new Map<string, IdempotentResponse>();
  return {
    get: async (key) => records.get(key) ?? null,
    put: async (record) => {
      if (records.has(record.key)) throw new ConflictError(`Idempotency key ${record.key} is already stored`, { key: record.key });
      records.set(record.key, record);
      if (records.size > maxKeys) {
        const oldest = records.keys().next();
        if (oldest.done !== true) records.delete(oldest.value);
      }
    },
  };
}

/** The result of a create: the status and body to send, and to store under the key. */
export interface CreatedResponse<T = unknown> {
  statusCode: number;
  body: T;
}

/**
 * Runs a create at most once per `Idempotency-Key`: the first request runs `create` and
 * stores its answer; a retry with the same key and body gets that answer again (with
 * `Idempotent-Replayed: true`); the same key with another body is refused (422).
 * Keys are scoped by the caller's subject, so one client can never read another's answer.
 * Concurrent retries in this process wait for the first; across nodes two simultaneous
 * first attempts can both run (the store's unique key then keeps the first answer).
 */
export class IdempotentCreates {
  readonly #inFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: IdempotencyStore,
    private readonly clock: Clock,
  ) {}

  async run<T>(request: FastifyRequest, reply: FastifyReply, subject: string, create: () => Promise<CreatedResponse<T>>): Promise<T> {
    const rawKey = request.headers[IDEMPOTENCY_HEADER];
    if (rawKey === undefined) return send(reply, await create(), false);
    const key = validKey(rawKey);
    const scopedKey = `${subject}|${key}`;
    const requestHash = hashRequest(request.method, request.url, request.body);

    // Wait for any attempt under this key, then claim the key with no await in between.
    for (let pending = this.#inFlight.get(scopedKey); pending !== undefined; pending = this.#inFlight.get(scopedKey)) {
      await pending.catch(() => undefined);
    }
    const attempt = this.#lookUpOrCreate(scopedKey, requestHash, create);
    this.#inFlight.set(scopedKey, attempt);
    try {
      const outcome = await attempt;
      // A stored answer was produced by this same route, so it has the route's shape.
      if ('stored' in outcome) return send(reply, checkReplay(outcome.stored, requestHash, key) as CreatedResponse<T>, true);
      return send(reply, outcome.created, false);
    } finally {
      if (this.#inFlight.get(scopedKey) === attempt) this.#inFlight.delete(scopedKey);
    }
  }

  async #lookUpOrCreate<T>(
    scopedKey: string,
    requestHash: string,
    create: () => Promise<CreatedResponse<T>>,
  ): Promise<{ stored: IdempotentResponse } | { created: CreatedResponse<T> }> {
    const stored = await this.store.get(scopedKey);
    if (stored !== null) return { stored };
    try {
      return { created: await this.#createAndStore(scopedKey, requestHash, create) };
    } catch (err) {
      if (err instanceof KeyTakenError) return { stored: err.stored };
      throw err;
    }
  }

  async #createAndStore<T>(scopedKey: string, requestHash: string, create: () => Promise<CreatedResponse<T>>): Promise<CreatedResponse<T>> {
    const response = await create();
    try {
      await this.store.put({ key: scopedKey, requestHash, statusCode: response.statusCode, body: response.body, createdAt: this.clock.now() });
    } catch (err) {
      if (!(err instanceof SwitchboardError && err.code === 'ALREADY_EXISTS')) throw err;
      const stored = await this.store.get(scopedKey);
      if (stored !== null) throw new KeyTakenError(stored);
    }
    return response;
  }
}

/** Another request stored an answer under the key first; its answer wins. */
class KeyTakenError extends Error {
  constructor(readonly stored: IdempotentResponse) {
    super('idempotency key taken');
  }
}

function checkReplay(stored: IdempotentResponse, requestHash: string, key: string): CreatedResponse {
  if (stored.requestHash !== requestHash) {
    throw new SwitchboardError('IDEMPOTENCY_KEY_REUSED', `Idempotency-Key ${key} was already used with a different request`, { key });
  }
  return { statusCode: stored.statusCode, body: stored.body };
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
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`).digest('hex');
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
