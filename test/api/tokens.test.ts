import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import { EventBus, silentLogger } from '../../src/services/event-bus.js';
import { createOrchestrator } from '../../src/services/orchestrator.js';
import { TokenService } from '../../src/services/tokens.js';
import { openSqliteStore, type SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { FakeClock } from '../support/fake-clock.js';

let dir: string;
let store: SqliteStore;
let app: FastifyInstance;
let adminSecret: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-tokens-'));
  store = openSqliteStore({ file: join(dir, 'sb.db') });
  await store.migrate();
  const clock = new FakeClock();
  const tokens = new TokenService(store, clock);
  const orchestrator = createOrchestrator({
    store,
    clock,
    policy: DEFAULT_POLICY,
    bus: new EventBus(silentLogger),
    dispatch: 'manual',
    logger: silentLogger,
  });
  adminSecret = (await tokens.bootstrapAdmin())?.secret ?? '';
  app = await buildApp({ orchestrator, authenticator: tokens, tokens, anonymousRole: 'none', bodyLimitBytes: 65_536, clock });
});

afterEach(async () => {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const req = (method: 'GET' | 'POST' | 'DELETE', url: string, secret: string | null, payload?: object) =>
  app.inject({ method, url, payload, headers: secret === null ? {} : { authorization: `Bearer ${secret}` } });

describe('API tokens (stored hashed, roles enforced)', () => {
  it('the bootstrap admin issues a viewer token that can read but not write, and revoking it locks it out', async () => {
    expect(adminSecret).toMatch(/^sbt_/);
    expect((await req('GET', '/api/tasks', null)).statusCode).toBe(401);
    const issued = await req('POST', '/api/tokens', adminSecret, { label: 'wallboard', role: 'viewer' });
    expect(issued.statusCode).toBe(201);
    const { token, secret } = issued.json() as { token: { id: string }; secret: string };
    expect((await req('GET', '/api/tasks', secret)).statusCode).toBe(200);
    const write = await req('POST', '/api/tasks', secret, { title: 'nope' });
    expect(write.statusCode).toBe(403);
    expect(write.json()).toMatchObject({ success: false, code: 'FORBIDDEN' });
    expect((await req('GET', '/api/tokens', secret)).statusCode).toBe(403);
    const listed = (await req('GET', '/api/tokens', adminSecret)).json() as { tokens: Record<string, unknown>[] };
    expect(listed.tokens).toHaveLength(2);
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect((await req('DELETE', `/api/tokens/${token.id}`, adminSecret)).statusCode).toBe(200);
    expect((await req('GET', '/api/tasks', secret)).statusCode).toBe(401);
  });

  it('an agent token is bound to its agent: it reports only on its own tasks', async () => {
    await req('POST', '/api/agents', adminSecret, { id: 'bot', name: 'Bot' });
    await req('POST', '/api/agents', adminSecret, { id: 'other', name: 'Other' });
    const task = (await req('POST', '/api/tasks', adminSecret, { title: 't' })).json().task.id as string;
    await req('POST', `/api/tasks/${task}/assign`, adminSecret, { agentId: 'other' });
    expect((await req('POST', '/api/tokens', adminSecret, { label: 'bot', role: 'agent' })).statusCode).toBe(400);
    const secret = (await req('POST', '/api/tokens', adminSecret, { label: 'bot', role: 'agent', agentId: 'bot' })).json().secret as string;
    expect((await req('POST', `/api/tasks/${task}/complete`, secret, {})).json()).toMatchObject({ code: 'STALE_LEASE' });
    expect((await req('POST', '/api/agents/other/heartbeat', secret)).statusCode).toBe(403);
    expect((await req('POST', '/api/agents/bot/heartbeat', secret)).statusCode).toBe(200);
  });

  it('refuses to mint an agent token for an agent id that is not registered (404 AGENT_NOT_FOUND), and mints nothing', async () => {
    const res = await req('POST', '/api/tokens', adminSecret, { label: 'typo', role: 'agent', agentId: 'no-such-agent' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ success: false, code: 'AGENT_NOT_FOUND', agentId: 'no-such-agent' });
    const listed = (await req('GET', '/api/tokens', adminSecret)).json() as { tokens: { label: string }[] };
    expect(listed.tokens.map((t) => t.label)).toEqual(['bootstrap admin']);
  });
});
