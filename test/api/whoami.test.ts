import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import { EventBus, silentLogger } from '../../src/services/event-bus.js';
import { createOrchestrator } from '../../src/services/orchestrator.js';
import type { OrchestratorApi } from '../../src/services/types.js';
import { TokenService } from '../../src/services/tokens.js';
import { openSqliteStore, type SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { FakeClock } from '../support/fake-clock.js';

let dir: string;
let store: SqliteStore;
let tokens: TokenService;
let orchestrator: OrchestratorApi;
let clock: FakeClock;
const apps: FastifyInstance[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-whoami-'));
  store = openSqliteStore({ file: join(dir, 'sb.db') });
  await store.migrate();
  clock = new FakeClock();
  tokens = new TokenService(store, clock);
  orchestrator = createOrchestrator({
    store,
    clock,
    policy: DEFAULT_POLICY,
    bus: new EventBus(silentLogger),
    dispatch: 'manual',
    logger: silentLogger,
  });
});

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function appWith(anonymousRole: 'none' | 'viewer'): Promise<FastifyInstance> {
  const app = await buildApp({ orchestrator, authenticator: tokens, tokens, anonymousRole, bodyLimitBytes: 65_536, clock });
  apps.push(app);
  return app;
}

const whoami = (app: FastifyInstance, secret: string | null) =>
  app.inject({ method: 'GET', url: '/api/whoami', headers: secret === null ? {} : { authorization: `Bearer ${secret}` } });

describe('GET /api/whoami', () => {
  it('answers an admin token with its role and token id, and no agent', async () => {
    const app = await appWith('none');
    const admin = await tokens.issue({ label: 'ops', role: 'admin' });
    const res = await whoami(app, admin.secret);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      success: true,
      principal: { subject: `token:${admin.token.id}`, role: 'admin', agentId: null, tokenId: admin.token.id },
      agent: null,
    });
  });

  it("answers an agent token with its bound agent's view, and agent null once that agent is removed", async () => {
    const app = await appWith('none');
    await orchestrator.registerAgent({ id: 'ana', name: 'Ana', kind: 'human', capabilities: ['review'] }, 'test');
    const issued = await tokens.issue({ label: 'ana', role: 'agent', agentId: 'ana' });
    const res = await whoami(app, issued.secret);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      principal: { subject: 'agent:ana', role: 'agent', agentId: 'ana', tokenId: issued.token.id },
      agent: { id: 'ana', name: 'Ana', kind: 'human', capabilities: ['review'] },
    });
    await orchestrator.removeAgent('ana', 'test');
    const gone = await whoami(app, issued.secret);
    expect(gone.statusCode).toBe(200);
    expect(gone.json()).toMatchObject({ principal: { role: 'agent', agentId: 'ana' }, agent: null });
  });

  it('refuses a caller without a token (401) when anonymous access is off, and a revoked or unknown token', async () => {
    const app = await appWith('none');
    expect((await whoami(app, null)).json()).toMatchObject({ success: false, code: 'UNAUTHENTICATED' });
    expect((await whoami(app, 'sbt_nope')).statusCode).toBe(401);
    const viewer = await tokens.issue({ label: 'wall', role: 'viewer' });
    await tokens.revoke(viewer.token.id);
    expect((await whoami(app, viewer.secret)).statusCode).toBe(401);
  });

  it('answers an anonymous caller with the anonymous role when one is configured', async () => {
    const app = await appWith('viewer');
    const res = await whoami(app, null);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      success: true,
      principal: { subject: 'anonymous', role: 'viewer', agentId: null, tokenId: null },
      agent: null,
    });
  });
});
