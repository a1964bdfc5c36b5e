import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/core/errors.js';
import { describePg } from '../../src/storage/postgres/test-database.js';
import { agentToken, startHarness, TOKENS, type Harness } from '../support/api-harness.js';
import {
  encodeJson,
  operationsOf,
  percentEncode,
  requestsFor,
  vocabularyOf,
  type FuzzRequest,
  type Slot,
} from '../support/openapi-fuzz.js';

/**
 * Issue 6, point 7: random params, query strings and bodies for every operation of the
 * OpenAPI document, on each store. Whatever arrives: no 5xx; every refusal is our
 * envelope with a known code and no driver text; a refusal changes nothing (the event
 * log's last id and a digest of tasks, agents and tokens are as before). Set
 * SWITCHBOARD_FUZZ_SEED to replay a failing run (the failure message names its seed).
 */
/** 3,400 requests per store: about 6 s on SQLite and 16 s on PostgreSQL on two cores. SWITCHBOARD_FUZZ_RUNS raises it for a longer hunt. */
const REQUESTS_PER_OPERATION = Number(process.env.SWITCHBOARD_FUZZ_RUNS ?? 100);
/** Lockstep requests per operation for the parity check (each goes to both stores). */
const PARITY_REQUESTS_PER_OPERATION = Number(process.env.SWITCHBOARD_FUZZ_PARITY_RUNS ?? 20);
const SEED = Number(process.env.SWITCHBOARD_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Wording that only a driver would produce: it must never reach a response body. */
const DRIVER_TEXT =
  /PostgreSQL error|SQLite error|SQLITE_[A-Z]|sqlState|driverCode|SQLSTATE|invalid byte sequence|invalid input syntax|out of range for type|violates .*constraint|duplicate key value|relation "|syntax error at/i;
const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

interface Snapshot {
  digest: string;
  ids: Record<'task' | 'agent' | 'token', string[]>;
}

/** The state a refusal must leave alone, and the ids requests may name. */
async function snapshot(h: Harness): Promise<Snapshot> {
  const [lastId, tasks, agents, tokens] = await Promise.all([
    h.store.events.lastId(),
    h.store.tasks.list({ limit: 1000 }),
    h.store.agents.list(),
    h.store.tokens.list(),
  ]);
  const digest = createHash('sha256').update(JSON.stringify({ lastId, tasks, agents, tokens })).digest('hex');
  return { digest, ids: { task: tasks.map((t) => t.id), agent: agents.map((a) => a.id), token: tokens.map((t) => t.id) } };
}

/** The document's operations and, per operation, `runs` requests from `seed` (operation i uses seed + i). */
async function generate(h: Harness, runs: number, seed: number): Promise<{ operations: number; batches: FuzzRequest[][] }> {
  const doc = (await h.request('GET', '/api/openapi.json')).json as unknown as Parameters<typeof operationsOf>[0];
  const ops = operationsOf(doc);
  expect(ops.length).toBeGreaterThanOrEqual(30);
  const vocabulary = vocabularyOf(doc);
  return { operations: ops.length, batches: ops.map((op, i) => fc.sample(requestsFor(op, vocabulary), { numRuns: runs, seed: seed + i })) };
}

/** Sends one generated request, naming known ids from `state`. */
async function send(h: Harness, request: FuzzRequest, state: Snapshot) {
  const { url, headers, payload } = resolve(request, state);
  const res = await h.app.inject({ method: request.op.method, url, headers, ...(payload === undefined ? {} : { payload }) });
  return { url, status: res.statusCode, body: res.body };
}

function fuzzSuite(dialect: 'sqlite' | 'postgres'): void {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect, tokenAdmin: true });
    await seedScenario(h);
  });
  afterAll(async () => h.close());

  it(`every operation of the OpenAPI document, ${REQUESTS_PER_OPERATION} random requests each: no 5xx, coded 4xx that change nothing`, async () => {
    const { operations, batches } = await generate(h, REQUESTS_PER_OPERATION, SEED);
    // One example per operation, status and kind of problem, so distinct defects are not hidden by one frequent one.
    const violations = new Map<string, string>();
    const statuses = new Map<string, number>();
    const succeeded = new Set<string>();
    let sent = 0;
    const started = performance.now();

    // Round-robin, so every operation sees the state all the others leave behind.
    for (let round = 0; round < REQUESTS_PER_OPERATION; round++) {
      for (const batch of batches) {
        const request = batch[round];
        if (request === undefined) continue;
        const before = await snapshot(h);
        const res = await send(h, request, before);
        sent += 1;
        statuses.set(`${res.status}`, (statuses.get(`${res.status}`) ?? 0) + 1);
        if (res.status < 300) succeeded.add(`${request.op.method} ${request.op.path}`);
        const problem = await check(res.status, res.body, before);
        const kind = `${request.op.method} ${request.op.path} ${res.status} ${problem}`;
        const label = `${request.op.method} ${res.url.slice(0, 160)} -> ${res.status}`;
        if (problem !== null && !violations.has(kind)) violations.set(kind, `${label}: ${problem} ${res.body.slice(0, 300)}`);
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.info(
      `[fuzz ${dialect}] seed ${SEED}: ${sent} requests over ${operations} operations in ${seconds}s;`,
      `${succeeded.size} operations answered 2xx at least once; statuses`,
      Object.fromEntries(statuses),
    );
    expect([...violations.values()].slice(0, 30), `seed ${SEED} (SWITCHBOARD_FUZZ_SEED=${SEED} replays it)`).toEqual([]);
  }, 180_000);

  async function check(status: number, body: string, before: Snapshot): Promise<string | null> {
    if (status >= 500) return '5xx';
    if (DRIVER_TEXT.test(body)) return 'driver text in the body';
    if (status < 400) return null;
    let json: { success?: unknown; code?: unknown; error?: unknown };
    try {
      json = JSON.parse(body) as typeof json;
    } catch {
      return 'a 4xx that is not JSON';
    }
    if (json.success !== false || typeof json.code !== 'string' || !CODES.has(json.code)) return 'not the error envelope';
    if (typeof json.error !== 'string' || json.error.trim() === '') return 'no human message';
    if ((await snapshot(h)).digest !== before.digest) return 'a 4xx changed the state';
    return null;
  }
}

/** Turns a generated request into what inject sends, choosing known ids from the current state. */
function resolve(request: FuzzRequest, state: Snapshot): { url: string; headers: Record<string, string>; payload?: string } {
  const text = (slot: Slot): string => {
    if ('encoded' in slot) return slot.encoded;
    if ('text' in slot) return percentEncode(slot.text);
    const ids = state.ids[slot.known];
    return encodeURIComponent(ids.length === 0 ? 'none' : (ids[slot.index % ids.length] ?? 'none'));
  };
  const path = request.op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const slot = request.path[name];
    return slot === undefined ? 'none' : text(slot);
  });
  const query = request.query.map(([name, slot]) => `${percentEncode(name)}=${text(slot)}`).join('&');
  const headers: Record<string, string> = {};
  const agents = state.ids.agent;
  if (request.role === 'agent')
    headers['authorization'] = `Bearer ${agentToken(agents[request.agentIndex % Math.max(agents.length, 1)] ?? 'ghost')}`;
  else if (request.role !== 'anonymous') headers['authorization'] = `Bearer ${TOKENS[request.role]}`;
  // A client cannot put other characters in a header; Node refuses to send them.
  if (request.idempotencyKey !== null && /^[\x20-\x7e]+$/.test(request.idempotencyKey)) headers['idempotency-key'] = request.idempotencyKey;
  if (request.leaseTokenHeader !== null) headers['x-lease-token'] = request.leaseTokenHeader;
  const url = query === '' ? path : `${path}?${query}`;
  if (request.body === undefined) return { url, headers };
  if (request.body.contentType !== null) headers['content-type'] = request.body.contentType;
  return { url, headers, payload: encodeJson(withoutLongPoll(request.body.payload)) };
}

/**
 * A claim may long-poll up to `waitMs`; on the harness's fake clock that wait only ends
 * when a test advances time, so a valid positive `waitMs` is sent as 0. Invalid values
 * are sent as generated: they are refused before any wait.
 */
function withoutLongPoll(payload: unknown): unknown {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return payload;
  const waitMs = (payload as { waitMs?: unknown }).waitMs;
  if (typeof waitMs !== 'number' || !Number.isInteger(waitMs) || waitMs <= 0) return payload;
  return { ...(payload as Record<string, unknown>), waitMs: 0 };
}

/** Agents and tasks in every status, so transitions have something to act on. */
async function seedScenario(h: Harness): Promise<void> {
  const ok = async (method: 'POST' | 'PUT', url: string, body: unknown = {}) => {
    const res = await h.request(method, url, body, { authorization: `Bearer ${TOKENS.admin}` });
    if (res.statusCode >= 300) throw new Error(`seed ${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json;
  };
  for (const [id, capabilities] of [
    ['a1', []],
    ['a2', ['typescript']],
    ['a3', ['typescript', 'testing']],
  ] as const)
    await ok('POST', '/api/agents', { id, name: id, capabilities, maxConcurrentTasks: 3 });
  const task = async (body: Record<string, unknown>) => (await ok('POST', '/api/tasks', body)).task.id;
  const pending = await task({ title: 'pending', priority: 'P0' });
  await task({ title: 'blocked', dependsOn: [pending] });
  const assigned = await task({ title: 'assigned' });
  await ok('POST', `/api/tasks/${assigned}/assign`, { agentId: 'a1' });
  const running = await task({ title: 'running', requiredCapabilities: ['typescript'] });
  await ok('POST', `/api/tasks/${running}/assign`, { agentId: 'a2' });
  await ok('POST', `/api/tasks/${running}/start`);
  const failed = await task({ title: 'failed', maxAttempts: 1 });
  await ok('POST', `/api/tasks/${failed}/assign`, { agentId: 'a3' });
  await ok('POST', `/api/tasks/${failed}/start`);
  await ok('POST', `/api/tasks/${failed}/fail`, { reason: 'seeded failure' });
  const cancelled = await task({ title: 'cancelled' });
  await ok('POST', `/api/tasks/${cancelled}/cancel`, { reason: 'seeded' });
  await ok('POST', '/api/tokens', { label: 'seeded viewer', role: 'viewer' });
}

/**
 * Point 5 as a property: the same requests, in the same order, sent to an app on each
 * store, get the same status and code. Known ids are chosen by position, so a store's
 * own ids (random token ids) do not matter.
 */
function paritySuite(): void {
  const harnesses: Harness[] = [];
  beforeAll(async () => {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const h = await startHarness({ dialect, tokenAdmin: true });
      harnesses.push(h);
      await seedScenario(h);
    }
  });
  afterAll(async () => Promise.all(harnesses.map((h) => h.close())));

  it(`SQLite and PostgreSQL give the same status and code to the same ${PARITY_REQUESTS_PER_OPERATION} requests per operation`, async () => {
    const [lite, pg] = harnesses;
    if (lite === undefined || pg === undefined) throw new Error('harnesses did not start');
    const { batches } = await generate(lite, PARITY_REQUESTS_PER_OPERATION, SEED + 1000);
    const differences: string[] = [];
    for (let round = 0; round < PARITY_REQUESTS_PER_OPERATION && differences.length < 10; round++) {
      for (const request of batches.map((b) => b[round])) {
        if (request === undefined) continue;
        const [a, b] = [await send(lite, request, await snapshot(lite)), await send(pg, request, await snapshot(pg))];
        if (answer(a) !== answer(b))
          differences.push(
            `${request.op.method} ${a.url.slice(0, 120)}: SQLite ${a.body.slice(0, 200)} | PostgreSQL ${b.body.slice(0, 200)}`,
          );
      }
    }
    expect(differences, `seed ${SEED} (SWITCHBOARD_FUZZ_SEED=${SEED} replays it)`).toEqual([]);
  }, 180_000);
}

/** What must match across stores: the status and, for an error, its code. */
function answer(res: { status: number; body: string }): string {
  try {
    return `${res.status} ${String((JSON.parse(res.body) as { code?: unknown }).code)}`;
  } catch {
    return `${res.status} (not JSON)`;
  }
}

describe('fuzz from the OpenAPI document (SQLite)', () => fuzzSuite('sqlite'));
await describePg('fuzz from the OpenAPI document (PostgreSQL)', () => fuzzSuite('postgres'));
await describePg('fuzz: both stores answer alike', paritySuite);
