import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const WEB_SRC = join(ROOT, 'web/src');

/**
 * Server modules the dashboard may load besides the SDK, each for a reason: the server's own
 * capability normalisation, so a chip shows exactly the capability that will be stored; and
 * the pure core modules declaring the wire's word lists (priorities, statuses, kinds, event
 * types, roles), so web/src/api/vocabulary.ts re-exports them instead of copying them.
 */
const ALLOWED_SERVER_MODULES: readonly string[] = [
  'src/core/capabilities.ts',
  'src/core/task.ts',
  'src/core/agent.ts',
  'src/core/events.ts',
  'src/core/access.ts',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every specifier a file imports or re-exports, type-only ones included (a type can drift as well as a value). */
function specifiers(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [
    ...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] ?? '');
}

describe('one wire contract: the dashboard reaches the server only through switchboard/sdk', () => {
  it('no web/src module imports server code (types included) but the SDK and the listed modules', () => {
    const outside = sourceFiles(WEB_SRC).flatMap((file) =>
      specifiers(file)
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => relative(ROOT, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))))
        .filter((target) => !target.startsWith('web/') && !ALLOWED_SERVER_MODULES.includes(target))
        .map((target) => `${relative(ROOT, file)} -> ${target}`),
    );
    expect(outside).toEqual([]);
  });

  it('the check sees an import of server code where there is one', () => {
    expect(specifiers(join(WEB_SRC, 'views/new-task/new-task-dialog.tsx'))).toContain('../../../../src/core/capabilities.js');
    expect(specifiers(join(WEB_SRC, 'api/client.ts'))).toContain('switchboard/sdk');
  });
});
