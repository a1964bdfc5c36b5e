import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Permission, type Role } from '../../src/core/access.js';
import { describePg } from '../../src/storage/postgres/test-database.js';
import { STATUS_OF, expectedFor } from '../support/access-matrix.js';
import { TOKENS, agentToken, startHarness, type Harness } from '../support/api-harness.js';

/**
 * The role x operation matrix over REST, read from the OpenAPI document: every operation
 * states its permission (`x-permission`), and for every role the answer is what
 * `can(role, permission)` says (test/support/access-matrix.ts, shared with the Socket.io
 * and MCP matrices): 401 without a token, 403 for a role without the permission, and never
 * 401/403 for one that has it. New routes join the matrix by existing.
 */
const AGENT_ID = 'matrix-agent';
type Caller = Role | 'anonymous';
const CALLERS: readonly Caller[] = [...ROLES, 'anonymous'];

const headersOf = (caller: Caller): Record<string, string> =>
  caller === 'anonymous' ? {} : { authorization: `Bearer ${caller === 'agent' ? agentToken(AGENT_ID) : TOKENS[caller]}` };

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  permission: Permission | 'public';
}

function matrixSuite(dialect: 'sqlite' | 'postgres'): void {
  let h: Harness;
  let operations: Operation[];
  let taskId: string;

  beforeAll(async () => {
    h = await startHarness({ dialect, anonymousRole: 'none', tokenAdmin: true });
    const admin = headersOf('admin');
    expect((await h.request('POST', '/api/agents', { id: AGENT_ID, name: 'Matrix' }, admin)).statusCode).toBe(201);
    taskId = (await h.request('POST', '/api/tasks', { title: 'matrix' }, admin)).json.task.id;
    const doc = (await h.request('GET', '/api/openapi.json')).json as unknown as {
      paths: Record<string, Record<string, { 'x-permission'?: Permission | 'public' }>>;
    };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase() as Operation['method'],
        path,
        permission: op['x-permission'] ?? 'public',
      })),
    );
  });
  afterAll(async () => h.close());

  const urlOf = (path: string) =>
    path
      .replace('{taskId}', taskId)
      .replace('{agentId}', AGENT_ID)
      .replace('{status}', 'PENDING')
      .replace('{priority}', 'P1')
      .replace('{tokenId}', 'no-such-token')
      .replace('{channelId}', 'no-such-channel')
      .replace('{deliveryId}', 'no-such-delivery');

  it('every operation declares its permission in the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThan(30);
    const undeclared = operations.filter((o) => o.path.startsWith('/api/') && o.permission === 'public' && !/health|openapi/.test(o.path));
    expect(undeclared).toEqual([]);
  });

  it('answers every caller on every operation exactly as its role allows', async () => {
    const wrong: string[] = [];
    // DELETE last: an admin removing the agent must not change what the other rows see.
    const ordered = [...operations.filter((o) => o.method !== 'DELETE'), ...operations.filter((o) => o.method === 'DELETE')];
    for (const op of ordered) {
      for (const caller of CALLERS) {
        const body = op.method === 'GET' || op.method === 'DELETE' ? undefined : {};
        const res = await h.request(op.method, urlOf(op.path), body, headersOf(caller));
        // anonymousRole is none: a caller without a token proves no role.
        const expected = expectedFor(
          caller === 'anonymous' ? { role: null, anonymous: true } : { role: caller, anonymous: false },
          op.permission,
        );
        const ok = expected === 'allowed' ? res.statusCode !== 401 && res.statusCode !== 403 : res.statusCode === STATUS_OF[expected];
        if (!ok || res.statusCode >= 500) wrong.push(`${caller} ${op.method} ${op.path} (${op.permission}): ${res.statusCode} ${res.body}`);
      }
    }
    expect(wrong).toEqual([]);
  });
}

describe('role x operation matrix over REST (SQLite)', () => matrixSuite('sqlite'));
await describePg('role x operation matrix over REST (PostgreSQL)', () => matrixSuite('postgres'));
