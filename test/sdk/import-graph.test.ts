import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const SDK = join(ROOT, 'src/sdk');
/** The only packages the SDK may load at run time: both run in Node 20 and in browsers. */
const RUNTIME_PACKAGES: readonly string[] = ['socket.io-client'];

/**
 * What a module loads when it runs. `import type` / `export type` are erased by tsc; any
 * other import is kept, even `import { type X }` (verbatimModuleSyntax keeps it as
 * `import {} from`), so it counts as a runtime edge here too.
 */
function runtimeImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const statics = [...source.matchAll(/^\s*(import|export)(\s+type\b)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)]
    .filter((m) => m[2] === undefined)
    .map((m) => m[3] ?? '');
  const bare = [...source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');
  const dynamic = [...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? '');
  return [...statics, ...bare, ...dynamic];
}

/** Every module reachable at run time from the SDK's entry, and every package specifier met on the way. */
function runtimeGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of runtimeImports(file)) {
      if (!spec.startsWith('.')) {
        packages.add(spec);
        continue;
      }
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      if (!existsSync(target)) throw new Error(`${relative(ROOT, file)} imports ${spec}, which does not resolve`);
      visit(target);
    }
  };
  visit(entry);
  return { files: [...files].map((f) => relative(ROOT, f)), packages: [...packages] };
}

describe('the SDK runs in a browser: its runtime import graph stays inside src/sdk', () => {
  it('every module the entry loads at run time is under src/sdk (the server is imported for types only)', () => {
    const { files } = runtimeGraph(join(SDK, 'index.ts'));
    expect(files.filter((f) => !f.startsWith('src/sdk/'))).toEqual([]);
    expect(files).toContain('src/sdk/client.ts');
  });

  it('no package but socket.io-client is loaded: no fastify, pg, better-sqlite3 or node: built-in', () => {
    const { packages } = runtimeGraph(join(SDK, 'index.ts'));
    expect(packages.filter((p) => !RUNTIME_PACKAGES.includes(p))).toEqual([]);
  });

  it('the walker sees a runtime import where there is one (it would catch a regression)', () => {
    expect(runtimeImports(join(ROOT, 'src/api/routes/events.ts'))).toContain('../../core/events.js');
    expect(runtimeImports(join(SDK, 'wire.ts'))).toEqual([]);
  });
});
