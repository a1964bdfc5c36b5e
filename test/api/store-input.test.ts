import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JSON_DEPTH_MAX } from '../../src/api/input-guard.js';
import { describePg, pgTestUrl } from '../../src/storage/postgres/test-database.js';
import { startHarness, type Harness } from '../support/api-harness.js';

/**
 * Issue 6, points 5 and 6: both stores give the same answer to the same input. What no
 * store can hold is a 400 naming the field (PostgreSQL answered 500 with its own error
 * text, SQLite stored it); what can be held reads back as sent; a 500 says nothing but
 * "internal" and a request id, and the server log holds the cause next to that id.
 */
type Dialect = 'sqlite' | 'postgres';

/** Text that is awkward but valid Unicode: it must come back exactly as sent from either store. */
const AWKWARD_TEXT = "Ünïcødé 😀 \u{1F9D1}\u200D\u{1F4BB} \uFFFF \u2028 e\u0301 \u05E9\u05DC\u05D5\u05DD %_\\ '; DROP TABLE tasks; --";

/** The same suite on each store, so a difference between them is a failing test. */
function inputSuite(dialect: Dialect): void {
  let h: Harness;
  const log: Record<string, unknown>[] = [];
  beforeEach(async () => {
    log.length = 0;
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n'))
          if (line.trim() !== '') log.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    h = await startHarness({ dialect, logger: { level: 'error', stream } });
  });
  afterEach(async () => h.close());

  const lastEventId = async () => (await h.request('GET', '/api/events?limit=1')).json.events[0]?.id ?? 0;

  /** A task IN_PROGRESS on agent `a1`, for the reports that need one. */
  async function runningTask(): Promise<string> {
    expect((await h.request('POST', '/api/agents', { id: 'a1', name: 'A1' })).statusCode).toBe(201);
    const id = (await h.request('POST', '/api/tasks', { title: 'work' })).json.task.id;
    expect((await h.request('POST', `/api/tasks/${id}/assign`, { agentId: 'a1' })).statusCode).toBe(200);
    expect((await h.request('POST', `/api/tasks/${id}/start`)).statusCode).toBe(200);
    return id;
  }

  function expectRefused(res: Awaited<ReturnType<Harness['request']>>, field: string, location: string): void {
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json).toMatchObject({ success: false, code: 'VALIDATION_FAILED', details: { field, location } });
    expect(res.body).not.toMatch(/PostgreSQL|SQLite|sqlState|driverCode|byte sequence|syntax for type/i);
  }

  it('GET /api/tasks/TASK-%00 (anonymous on loopback) is a 400 naming /taskId', async () => {
    expectRefused(await h.request('GET', '/api/tasks/TASK-%00'), '/taskId', 'params');
    expectRefused(await h.request('GET', '/api/agents/a%00b/tasks'), '/agentId', 'params');
  });

  it("a malformed percent-encoding or an over-long path parameter is the 400 error envelope, not Fastify's own body", async () => {
    for (const url of ['/api/tasks/%zz', '/api/tasks/%ED%A0%80', '/api/agents/%C0%80/tasks', `/api/tasks/${'x'.repeat(200)}`]) {
      const res = await h.request('GET', url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json).toMatchObject({ success: false, code: 'VALIDATION_FAILED', error: expect.any(String) });
    }
  });

  it('a NUL or a lone surrogate anywhere in a request is a 400 naming the field, and changes nothing', async () => {
    const taskId = await runningTask();
    const before = await lastEventId();
    const cases: [method: 'GET' | 'POST' | 'PATCH', url: string, body: unknown, field: string, location: string][] = [
      ['POST', '/api/tasks', { title: 'a\ud800b' }, '/title', 'body'],
      ['POST', '/api/tasks', { name: 'lone low \udc00' }, '/name', 'body'],
      ['POST', '/api/tasks', { title: 'reversed pair \udc00\ud800' }, '/title', 'body'],
      ['POST', '/api/tasks', { title: 'ok', description: 'nul \u0000 inside' }, '/description', 'body'],
      ['POST', '/api/tasks', { title: 'ok', labels: ['fine', 'bad\u0000'] }, '/labels/1', 'body'],
      ['POST', '/api/tasks', { title: 'ok', requiredCapabilities: ['\ud83d'] }, '/requiredCapabilities/0', 'body'],
      ['POST', '/api/agents', { name: 'agent \u0000' }, '/name', 'body'],
      ['PATCH', `/api/tasks/${taskId}`, { title: '\udfff' }, '/title', 'body'],
      ['POST', `/api/tasks/${taskId}/fail`, { reason: 'broke \ud800' }, '/reason', 'body'],
      ['POST', `/api/tasks/${taskId}/cancel`, { reason: '\u0000' }, '/reason', 'body'],
      ['POST', `/api/tasks/${taskId}/complete`, { result: { deep: [{ text: 'nul \u0000' }] } }, '/result/deep/0/text', 'body'],
      ['POST', `/api/tasks/${taskId}/complete`, { result: { 'key\ud800': 1 } }, '/result/key\ud800', 'body'],
      ['POST', `/api/tasks/${taskId}/complete`, { result: { 'a/b~c': '\u0000' } }, '/result/a~1b~0c', 'body'],
      ['GET', '/api/tasks?q=%00', undefined, '/q', 'querystring'],
      ['GET', '/api/events?taskId=TASK-%00', undefined, '/taskId', 'querystring'],
    ];
    for (const [method, url, body, field, location] of cases) expectRefused(await h.request(method, url, body), field, location);
    expect(await lastEventId()).toBe(before);
    expect((await h.request('GET', `/api/tasks/${taskId}`)).json.task).toMatchObject({ status: 'IN_PROGRESS', title: 'work' });
  });

  it('integers past what both stores hold are a 400 naming the field', async () => {
    const taskId = await runningTask();
    expectRefused(await h.request('GET', '/api/events?before=1e21'), '/before', 'querystring');
    expectRefused(await h.request('GET', '/api/events?after=9223372036854775808'), '/after', 'querystring');
    expectRefused(await h.request('GET', `/api/events?after=${Number.MAX_SAFE_INTEGER + 1}`), '/after', 'querystring');
    expect((await h.request('GET', `/api/events?after=${Number.MAX_SAFE_INTEGER}`)).json.events).toEqual([]);
    expectRefused(await h.request('POST', `/api/tasks/${taskId}/complete`, '{"leaseToken":1e21}'), '/leaseToken', 'body');
  });

  it('a deadline the schema allows but a JS time cannot hold (a leap second) is a 400, not a 500', async () => {
    expectRefused(await h.request('POST', '/api/tasks', { title: 'x', slaDeadline: '2026-12-31T23:59:60Z' }), '/slaDeadline', 'body');
  });

  it('what can be stored reads back exactly as sent', async () => {
    const created = await h.request('POST', '/api/tasks', { title: AWKWARD_TEXT, description: AWKWARD_TEXT, labels: ['ünï', '😀'] });
    expect(created.statusCode, created.body).toBe(201);
    const agent = await h.request('POST', '/api/agents', { id: 'a1', name: AWKWARD_TEXT });
    expect(agent.statusCode, agent.body).toBe(201);
    const id = created.json.task.id;
    expect((await h.request('POST', `/api/tasks/${id}/assign`, { agentId: 'a1' })).statusCode).toBe(200);
    expect((await h.request('POST', `/api/tasks/${id}/start`)).statusCode).toBe(200);
    const result = {
      '': 'empty key',
      'a/b~c': AWKWARD_TEXT,
      numbers: [1e21, 2 ** 53, -1.5, 5e-324, 1.7976931348623157e308, 0.1],
      atTheLimit: nested(JSON_DEPTH_MAX - 2, 'leaf'),
    };
    const done = await h.request('POST', `/api/tasks/${id}/complete`, { result });
    expect(done.statusCode, done.body).toBe(200);

    const task = (await h.request('GET', `/api/tasks/${id}`)).json.task;
    expect(task).toMatchObject({ title: AWKWARD_TEXT, description: AWKWARD_TEXT, labels: ['ünï', '😀'], status: 'COMPLETED' });
    expect(task.result).toEqual(result);
    expect((await h.request('GET', '/api/agents/a1')).json.agent.name).toBe(AWKWARD_TEXT);
  });

  it(`a result nested ~4,100 levels (a 10 KB body) is a 400 naming the field; ${JSON_DEPTH_MAX} levels is the documented bound`, async () => {
    const id = await runningTask();
    const before = await lastEventId();
    const body = `{"result":${'['.repeat(4100)}1${']'.repeat(4100)}}`;
    expect(body.length).toBeLessThan(10_000);
    const res = await h.request('POST', `/api/tasks/${id}/complete`, body);
    expectRefused(res, `/result${'/0'.repeat(JSON_DEPTH_MAX - 1)}`, 'body');
    expect(res.json.error).toContain(`${JSON_DEPTH_MAX} levels`);
    // One level past the bound is refused too; the body's own object is level 1.
    expectRefused(
      await h.request('POST', `/api/tasks/${id}/complete`, { result: nested(JSON_DEPTH_MAX, 1) }),
      `/result${'/0'.repeat(JSON_DEPTH_MAX - 1)}`,
      'body',
    );
    expect(await lastEventId()).toBe(before);
    expect((await h.request('POST', `/api/tasks/${id}/complete`, { result: nested(JSON_DEPTH_MAX - 1, 1) })).statusCode).toBe(200);
  });

  it('a 1 MB body of [[[[... gets a 4xx, balanced or not, and the server keeps answering', async () => {
    const id = await runningTask();
    const depth = 500_000;
    for (const [url, body] of [
      ['/api/tasks', '['.repeat(1_000_000)],
      ['/api/tasks', `${'['.repeat(depth)}${']'.repeat(depth)}`],
      [`/api/tasks/${id}/complete`, `{"result":${'['.repeat(depth - 10)}${']'.repeat(depth - 10)}}`],
      [`/api/tasks/${id}/complete`, `{"result":${'{"a":'.repeat(150_000)}1${'}'.repeat(150_000)}}`],
    ] as const) {
      const res = await h.request('POST', url, body);
      expect(res.statusCode, `${url} ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.json).toMatchObject({ success: false, code: expect.stringMatching(/^(VALIDATION_FAILED|INVALID_JSON)$/) });
    }
    expect((await h.request('GET', '/api/health')).statusCode).toBe(200);
    expect((await h.request('GET', `/api/tasks/${id}`)).json.task.status).toBe('IN_PROGRESS');
  });

  it('an INTERNAL error says only that, with a request id the server log shows next to the cause', async () => {
    await breakEventLog(h);
    const res = await h.request('GET', '/api/events');
    expect(res.statusCode).toBe(500);
    const requestId = res.json.details.requestId;
    expect(typeof requestId).toBe('string');
    expect(res.json).toEqual({ success: false, error: 'Internal server error', code: 'INTERNAL', details: { requestId } });
    const entry = log.find((line) => line['reqId'] === requestId && line['level'] === 50);
    expect(entry, JSON.stringify(log)).toBeDefined();
    const cause = (entry?.['err'] as { message?: string } | undefined)?.message;
    expect(cause).toMatch(h.store.capabilities.dialect === 'sqlite' ? /no such table: events/ : /relation "events" does not exist/);
  });
}

/** `levels` nested arrays around `leaf`: nested(2, x) is [[x]]. */
function nested(levels: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

/** Drops the event log's table behind the store's back: a real driver error, not a mock. */
async function breakEventLog(h: Harness): Promise<void> {
  if (h.pgSchema === null) {
    const db = new Database(h.file);
    try {
      db.exec('DROP TABLE events');
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: pgTestUrl() });
  await client.connect();
  try {
    await client.query(`DROP TABLE ${h.pgSchema}.events`);
  } finally {
    await client.end();
  }
}

describe('request schemas', () => {
  it('bound every integer a request may carry to what both stores hold exactly', async () => {
    const h = await startHarness();
    try {
      const doc = (await h.request('GET', '/api/openapi.json')).json as unknown as {
        paths: Record<string, Record<string, { parameters?: { name: string; schema: unknown }[]; requestBody?: unknown }>>;
      };
      const unbounded: string[] = [];
      const visit = (node: unknown, where: string): void => {
        if (node === null || typeof node !== 'object') return;
        const { type, minimum, maximum } = node as { type?: unknown; minimum?: unknown; maximum?: unknown };
        const within = (n: unknown) => typeof n === 'number' && Math.abs(n) <= Number.MAX_SAFE_INTEGER;
        if (type === 'integer' && !(within(minimum) && within(maximum))) unbounded.push(where);
        for (const [key, child] of Object.entries(node)) visit(child, `${where}/${key}`);
      };
      for (const [path, item] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(item)) {
          for (const p of op.parameters ?? []) visit(p.schema, `${method.toUpperCase()} ${path} ${p.name}`);
          visit(op.requestBody, `${method.toUpperCase()} ${path} body`);
        }
      }
      expect(unbounded).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe('input both stores can hold (SQLite)', () => inputSuite('sqlite'));
await describePg('input both stores can hold (PostgreSQL)', () => inputSuite('postgres'));
