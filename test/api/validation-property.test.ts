import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/api-harness.js';

/**
 * Whatever JSON a client sends, the API never answers 5xx ("never a 500 for bad input"),
 * every refusal is the error envelope, and a refused request changes nothing.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const RUNS = 150;

/** Values of every JSON kind, biased towards the shapes the schemas accept. */
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('P0', 'P3', 'P9', '', '  ', 'ai', '2026-01-13T09:00:00Z', 'not-a-date', '__proto__'),
  fc.integer({ min: -5, max: 2000 }),
  fc.double({ noNaN: false }),
  fc.array(fc.string({ maxLength: 80 }), { maxLength: 60 }),
);

const taskKeys = [
  'title',
  'name',
  'description',
  'priority',
  'requiredCapabilities',
  'preferredCapabilities',
  'dependsOn',
  'labels',
  'eta',
  'slaDeadline',
  'maxAttempts',
  'status',
  'id',
];
const agentKeys = ['id', 'name', 'kind', 'capabilities', 'maxConcurrentTasks', 'reliability', 'costPerHour', 'status', 'load'];

const body = (keys: string[]) => fc.oneof(fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: 6 }), fc.jsonValue({ maxDepth: 3 }));

async function count(url: string): Promise<number> {
  return (await h.request('GET', url)).json.count;
}

async function checkNeverBreaks(url: string, listUrl: string, keys: string[]): Promise<void> {
  await fc.assert(
    fc.asyncProperty(body(keys), async (payload) => {
      const before = await count(listUrl);
      const res = await h.request('POST', url, JSON.stringify(payload));
      expect(res.statusCode, JSON.stringify(payload)).toBeLessThan(500);
      const after = await count(listUrl);
      if (res.statusCode >= 400) {
        expect(res.json.success).toBe(false);
        expect(typeof res.json.code).toBe('string');
        expect(typeof res.json.error).toBe('string');
        expect(res.json.error.length).toBeGreaterThan(0);
        expect(after).toBe(before);
      } else {
        expect(res.statusCode).toBe(201);
        expect(after).toBe(before + 1);
      }
    }),
    { numRuns: RUNS },
  );
}

describe('random bodies', () => {
  it('POST /api/tasks never answers 5xx, and a 4xx changes nothing', async () => {
    await checkNeverBreaks('/api/tasks', '/api/tasks?limit=1000', taskKeys);
  });

  it('POST /api/agents never answers 5xx, and a 4xx changes nothing', async () => {
    await checkNeverBreaks('/api/agents', '/api/agents', agentKeys);
  });

  it('random query strings on GET /api/tasks and /api/events never answer 5xx', async () => {
    const param = fc.tuple(
      fc.constantFrom('status', 'priority', 'limit', 'cursor', 'q', 'agent', 'type', 'after', 'before', 'order', 'x'),
      fc.string({ maxLength: 12 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(param, { maxLength: 4 }), fc.constantFrom('/api/tasks', '/api/events'), async (params, path) => {
        const query = new URLSearchParams(params).toString();
        const res = await h.request('GET', `${path}?${query}`);
        expect(res.statusCode, query).toBeLessThan(500);
        if (res.statusCode >= 400) expect(res.json).toMatchObject({ success: false, code: expect.any(String), error: expect.any(String) });
      }),
      { numRuns: RUNS },
    );
  });
});
