import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './core/errors.js';

const SRC = new URL('.', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const importsOf = (path: string) =>
  [...readFileSync(path, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');

describe('architecture (STYLE.md rules 1, 6, 10, 12)', () => {
  it('src/core imports only src/core: no drivers, no Fastify, no node built-ins', () => {
    const offenders = files(join(SRC, 'core'))
      .filter((f) => !f.endsWith('.test.ts'))
      .flatMap((f) =>
        importsOf(f)
          .filter((spec) => !spec.startsWith('./'))
          .map((spec) => `${relative(SRC, f)} -> ${spec}`),
      );
    expect(offenders).toEqual([]);
  });

  it('storage adapters are built only in the composition root (src/composition.ts), which server.ts and admin-token.ts share', () => {
    const offenders = files(SRC)
      .filter((f) => !f.includes('/storage/') && !f.endsWith('.test.ts') && !f.endsWith('/composition.ts'))
      .flatMap((f) =>
        importsOf(f)
          .filter((spec) => /(^|\/)storage\//.test(spec))
          .map((spec) => `${relative(SRC, f)} -> ${spec}`),
      );
    expect(offenders).toEqual([]);
  });

  it('the runner and the CLI reach a server only through the SDK (serve and token admin are the server itself)', () => {
    const serverSide = /(^|\/)(api|services|storage|realtime)\/|(^|\/)(composition|server|serve-process|main)\.js$/;
    const clients = [...files(join(SRC, 'runner')), ...files(join(SRC, 'cli'))].filter(
      (f) => !f.endsWith('.test.ts') && !/\/cli\/commands\/(serve|token)\.ts$/.test(f),
    );
    const offenders = clients.flatMap((f) =>
      importsOf(f)
        .filter((spec) => serverSide.test(spec))
        .map((spec) => `${relative(SRC, f)} -> ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the MCP tools reach a server only through the SDK, so stdio and /mcp run one code path (ADR 0009)', () => {
    const serverSide = /(^|\/)(api|services|storage|realtime|cli|runner)\/|(^|\/)(composition|server|serve-process|main)\.js$/;
    const offenders = files(join(SRC, 'mcp'))
      .filter((f) => !f.endsWith('.test.ts'))
      .flatMap((f) =>
        importsOf(f)
          .filter((spec) => serverSide.test(spec))
          .map((spec) => `${relative(SRC, f)} -> ${spec}`),
      );
    expect(offenders).toEqual([]);
  });

  it('src/core uses no Node globals either (Buffer, process, setTimeout): it runs anywhere the SDK does', () => {
    const offenders = files(join(SRC, 'core'))
      .filter((f) => !f.endsWith('.test.ts'))
      .filter((f) => /\b(Buffer|process)\.|\bset(Timeout|Interval)\(/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it('src/core never reads the wall clock', () => {
    const offenders = files(join(SRC, 'core'))
      .filter((f) => !f.endsWith('.test.ts'))
      .filter((f) => /Date\.now\(\)|new Date\(\)/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('only src/config.ts reads process.env', () => {
    const offenders = files(SRC)
      .filter((f) => !f.endsWith('.test.ts') && !f.includes('/storage/postgres/test-database.ts') && !f.endsWith('/config.ts'))
      .filter((f) => readFileSync(f, 'utf8').includes('process.env'))
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it('SQL lives only in src/storage', () => {
    const offenders = files(SRC)
      .filter((f) => !f.includes('/storage/') && !f.endsWith('.test.ts'))
      .filter((f) => /\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it('every error code is worded by its one constructor in src/core/errors.ts', () => {
    const constructed = files(SRC)
      .filter((f) => !f.endsWith('/core/errors.ts'))
      .filter((f) => /new SwitchboardError\(/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(constructed).toEqual([]);
    const catalogue = readFileSync(join(SRC, 'core/errors.ts'), 'utf8');
    const worded = [...catalogue.matchAll(/super\(\s*'([A-Z_]+)'/g)].map((m) => m[1]);
    const twice = worded.filter((code, i) => worded.indexOf(code) !== i);
    expect(twice).toEqual([]);
    // NotFoundError words both not-found codes from one template.
    const missing = ERROR_CODES.filter((code) => !worded.includes(code) && code !== 'TASK_NOT_FOUND' && code !== 'AGENT_NOT_FOUND');
    expect(missing).toEqual([]);
  });
});
