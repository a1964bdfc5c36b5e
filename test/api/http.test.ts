import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { HTTP_STATUS, toErrorResponse } from '../../src/api/errors.js';
import { ERROR_CODES, SwitchboardError } from '../../src/core/errors.js';
import type { OrchestratorApi } from '../../src/services/types.js';
import { StaticAuthenticator, startHarness, type Harness } from '../support/api-harness.js';

let h: Harness | null = null;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await h?.close();
  h = null;
  for (const c of cleanups.splice(0)) await c();
});

/** The real orchestrator with one method replaced, to provoke failures the real one never has. */
function breaking(real: OrchestratorApi, method: keyof OrchestratorApi, error: unknown): OrchestratorApi {
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === method) return async () => Promise.reject(error);
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function appWith(orchestrator: OrchestratorApi) {
  const app = await buildApp({ orchestrator, authenticator: new StaticAuthenticator(), anonymousRole: 'operator', bodyLimitBytes: 1024 });
  cleanups.push(() => app.close());
  return app;
}

describe('error mapping', () => {
  it('maps every error code to a 4xx or 5xx status', () => {
    for (const code of ERROR_CODES) {
      const status = HTTP_STATUS[code];
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(toErrorResponse(new SwitchboardError(code, 'x')).statusCode).toBe(status);
    }
  });

  it('hides the message of an unexpected error behind a generic 500 INTERNAL', async () => {
    h = await startHarness();
    const app = await appWith(breaking(h.orchestrator, 'listAgents', new Error('secret connection string leaked')));
    const res = await app.inject({ method: 'GET', url: '/api/agents' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      success: false,
      error: 'Internal server error',
      code: 'INTERNAL',
      details: { requestId: expect.any(String) },
    });
  });

  it('passes a coded error through with its status and details', async () => {
    h = await startHarness();
    const app = await appWith(
      breaking(h.orchestrator, 'listAgents', new SwitchboardError('STORE_UNAVAILABLE', 'database is down', { retry: true })),
    );
    const res = await app.inject({ method: 'GET', url: '/api/agents' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      success: false,
      error: 'database is down',
      code: 'STORE_UNAVAILABLE',
      details: { retry: true, requestId: expect.any(String) },
    });
  });

  it('health answers 503 unhealthy when the store cannot be read', async () => {
    h = await startHarness();
    const app = await appWith(breaking(h.orchestrator, 'listEvents', new Error('disk gone')));
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ success: false, status: 'unhealthy', services: { store: false }, code: 'STORE_UNAVAILABLE' });
  });
});

describe('request bodies', () => {
  it('answers 413 BODY_TOO_LARGE over the body limit', async () => {
    h = await startHarness({ bodyLimitBytes: 512 });
    const res = await h.request('POST', '/api/tasks', { title: 'x', description: 'y'.repeat(2000) });
    expect(res.statusCode).toBe(413);
    expect(res.json).toMatchObject({ success: false, code: 'BODY_TOO_LARGE' });
    expect((await h.request('GET', '/api/tasks')).json.count).toBe(0);
  });

  it('answers 415 for a body that is not JSON', async () => {
    h = await startHarness();
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: { 'content-type': 'application/xml' },
      payload: '<task/>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ success: false, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('treats an empty JSON body as {} (assign with content-type but no body)', async () => {
    h = await startHarness();
    await h.request('POST', '/api/agents', { name: 'Worker' });
    const id = (await h.request('POST', '/api/tasks', { title: 'x' })).json.task.id;
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/tasks/${id}/assign`,
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(res.statusCode).toBe(200);
  });

  it('refuses prototype-poisoning JSON as invalid', async () => {
    h = await startHarness();
    const res = await h.request('POST', '/api/tasks', '{"title":"x","__proto__":{"admin":true}}');
    expect(res.statusCode).toBe(400);
    expect(res.json.success).toBe(false);
  });

  it('refuses a JSON body that is not an object', async () => {
    h = await startHarness();
    for (const payload of ['null', '[]', '"title"', '42']) {
      const res = await h.request('POST', '/api/tasks', payload);
      expect(res.statusCode, payload).toBe(400);
      expect(res.json.code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('routes outside the API', () => {
  it('answers JSON 404 for unknown paths and an HTML note at / when the dashboard is not built', async () => {
    h = await startHarness();
    const home = await h.request('GET', '/');
    expect(home.statusCode).toBe(200);
    expect(home.headers['content-type']).toMatch(/text\/html/);
    expect(home.body).toContain('dashboard is not built');
    const other = await h.request('GET', '/dashboard/tasks');
    expect(other.statusCode).toBe(404);
    expect(other.json.code).toBe('ROUTE_NOT_FOUND');
    const wrongMethod = await h.request('DELETE', '/api/tasks');
    expect(wrongMethod.json).toMatchObject({ code: 'ROUTE_NOT_FOUND', details: { method: 'DELETE', path: '/api/tasks' } });
  });

  it('serves the built dashboard with an SPA fallback', async () => {
    const webRoot = mkdtempSync(join(tmpdir(), 'switchboard-web-'));
    cleanups.push(() => rmSync(webRoot, { recursive: true, force: true }));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(webRoot, 'app.js'), 'console.log(1)');
    h = await startHarness({ webRoot });
    expect((await h.request('GET', '/')).body).toContain('id="root"');
    expect((await h.request('GET', '/app.js')).body).toBe('console.log(1)');
    const spa = await h.request('GET', '/tasks/TASK-001');
    expect(spa.statusCode).toBe(200);
    expect(spa.body).toContain('id="root"');
    expect((await h.request('GET', '/missing.js')).json.code).toBe('ROUTE_NOT_FOUND');
    expect((await h.request('GET', '/api/unknown')).json.code).toBe('ROUTE_NOT_FOUND');
  });

  it('publishes the OpenAPI document and Swagger UI without a token', async () => {
    h = await startHarness({ anonymousRole: 'none' });
    const res = await h.request('GET', '/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json as unknown as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const [path, method] of [
      ['/api/tasks', 'get'],
      ['/api/tasks', 'post'],
      ['/api/tasks/{taskId}/assign', 'post'],
      ['/api/tasks/{taskId}/progress', 'put'],
      ['/api/tasks/queue/next', 'post'],
      ['/api/tasks/report/delegation', 'get'],
      ['/api/tasks/api/metrics', 'get'],
      ['/api/agents/{agentId}/status', 'put'],
      ['/api/agents/{agentId}/claim', 'post'],
      ['/api/events', 'get'],
      ['/api/health', 'get'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    expect(doc.paths['/api/openapi.json']).toBeUndefined();
    const ui = await h.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });

  it('refuses to register an /api route that declares no permission', async () => {
    h = await startHarness();
    expect(() => h?.app.get('/api/unguarded', async () => ({}))).toThrow(/declares no permission/);
  });
});
