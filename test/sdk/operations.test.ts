import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, OPERATION_ALIASES, OPERATIONS } from '../../src/sdk/index.js';
import { operationsOf } from '../support/openapi-fuzz.js';
import { startListeningHarness, type ListeningHarness } from './listening-harness.js';

/** Issue 7: every operation the server documents has a client method, and every method's operation exists. */
describe('SDK operations table against /api/openapi.json', () => {
  let h: ListeningHarness;
  let documented: string[];
  beforeAll(async () => {
    h = await startListeningHarness({ tokenAdmin: true });
    const res = await fetch(`${h.url}/api/openapi.json`);
    documented = operationsOf((await res.json()) as Parameters<typeof operationsOf>[0])
      .map((op) => `${op.method} ${op.path.replace(/:(\w+)/g, '{$1}')}`)
      .sort();
  });
  afterAll(() => h.close());

  const tabled = () => Object.values(OPERATIONS).map((op) => `${op.method} ${op.path}`);

  it('every documented operation is in OPERATIONS or is a named alias of one', () => {
    const covered = new Set([...tabled(), ...Object.keys(OPERATION_ALIASES)]);
    expect(documented.filter((op) => !covered.has(op))).toEqual([]);
    expect(documented.length).toBeGreaterThan(30);
  });

  it('every operation of the table (and every alias) is documented by the server', () => {
    const known = new Set(documented);
    expect([...tabled(), ...Object.keys(OPERATION_ALIASES)].filter((op) => !known.has(op))).toEqual([]);
  });

  it('no two methods share an operation', () => {
    const ops = tabled();
    expect(ops.filter((op, i) => ops.indexOf(op) !== i)).toEqual([]);
  });

  it('every table name is a function of the client, under the same dotted name', () => {
    const client = createClient({ url: h.url }) as unknown as Record<string, unknown>;
    const resolve = (name: string) => name.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown>)?.[key], client);
    const missing = Object.keys(OPERATIONS).filter((name) => typeof resolve(name) !== 'function');
    expect(missing).toEqual([]);
  });
});
