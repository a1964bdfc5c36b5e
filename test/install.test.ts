import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyPluginAsync } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * `npm install` on the Node version package.json promises must be quiet: no EBADENGINE,
 * no lockfile rewrite. These tests hold the lockfile to that promise and check that the
 * packages package.json `overrides` pin back for Node 20 still work inside their dependents.
 */
const require = createRequire(import.meta.url);
const semver = require('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; optional?: boolean }>;
};

let dir: string | null = null;
afterEach(() => {
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('install on the oldest supported Node', () => {
  it('the lockfile records what package.json declares, so npm install does not rewrite it', () => {
    const root = lock.packages[''] as Record<string, unknown>;
    const declared = manifest as unknown as Record<string, unknown>;
    for (const field of ['bin', 'dependencies', 'devDependencies', 'engines']) expect(root[field], field).toEqual(declared[field]);
  });

  it('every locked package accepts the lowest Node version package.json engines allows', () => {
    const oldest = semver.minVersion(manifest.engines.node)?.version;
    expect(oldest).toBeDefined();
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, pkg]) => {
        // A few old packages still carry the pre-npm-3 array form, which npm ignores.
        const range = pkg.engines !== undefined && !Array.isArray(pkg.engines) ? pkg.engines.node : undefined;
        return range !== undefined && !semver.satisfies(oldest ?? '', range) ? [`${path}@${pkg.version ?? '?'} needs node ${range}`] : [];
      });
    expect(refusing).toEqual([]);
  });

  it('light-my-request (fastify inject) still sends cookies with the cookie@1 the override pins', async () => {
    const app = Fastify();
    app.get('/echo', async (request) => ({ cookie: request.headers.cookie ?? null }));
    try {
      const response = await app.inject({ method: 'GET', url: '/echo', cookies: { session: 'abc', theme: 'dark' } });
      expect(response.json()).toEqual({ cookie: 'session=abc; theme=dark' });
    } finally {
      await app.close();
    }
  });

  it("swagger-ui's own @fastify/static still names downloads with the content-disposition@2 the override pins", async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-install-'));
    writeFileSync(join(dir, 'report.txt'), 'hello');
    // The copy nested under @fastify/swagger-ui is the one that depends on content-disposition@3 upstream.
    const fromSwaggerUi = createRequire(require.resolve('@fastify/swagger-ui'));
    const fastifyStatic = fromSwaggerUi('@fastify/static') as FastifyPluginAsync<{ root: string; serve: boolean }>;
    const app = Fastify();
    await app.register(fastifyStatic, { root: dir, serve: false });
    app.get('/download', (_request, reply) => reply.download('report.txt'));
    try {
      const response = await app.inject({ method: 'GET', url: '/download' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-disposition']).toMatch(/^attachment; filename="?report\.txt"?$/);
      expect(response.body).toBe('hello');
    } finally {
      await app.close();
    }
  });
});
