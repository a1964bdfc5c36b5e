import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JSON_DEPTH_MAX } from '../src/api/input-guard.js';
import { ERROR_CODES } from '../src/core/errors.js';
import { EVENT_TYPES } from '../src/core/events.js';
import { TASK_STATUSES } from '../src/core/task.js';
import { CONFIG_VARIABLES } from '../src/config.js';
import { TOOLS } from '../src/mcp/tools.js';

const ROOT = new URL('..', import.meta.url).pathname;
const doc = (name: string) => readFileSync(new URL(`../docs/${name}`, import.meta.url), 'utf8');

describe('docs stay in sync with the code', () => {
  it('docs/errors.md lists every error code, and only those', () => {
    const text = doc('errors.md');
    expect(ERROR_CODES.filter((code) => !text.includes(`\`${code}\``))).toEqual([]);
    const documented = [...text.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.filter((code) => !(ERROR_CODES as readonly (string | undefined)[]).includes(code))).toEqual([]);
  });

  it('docs/mcp.md and the README list every MCP tool', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const names = TOOLS.map((tool) => tool.name);
    expect(names.filter((name) => !doc('mcp.md').includes(`| \`${name}\` |`))).toEqual([]);
    expect(names.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });

  it('docs/events.md lists every domain event', () => {
    const text = doc('events.md');
    expect(EVENT_TYPES.filter((type) => !text.includes(`\`${type}\``))).toEqual([]);
  });

  it('the README documents every configuration variable', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(CONFIG_VARIABLES.map((v) => v.variable).filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });

  it('docs/errors.md and the README state the JSON nesting bound the API enforces', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(doc('errors.md')).toContain(`deeper than ${JSON_DEPTH_MAX} levels`);
    expect(readme).toContain(`deeper than ${JSON_DEPTH_MAX} levels`);
  });

  it('docs/state-machine.md shows every status', () => {
    const text = doc('state-machine.md');
    expect(TASK_STATUSES.filter((s) => !text.includes(s))).toEqual([]);
  });

  describe('docs/seed-defects.md', () => {
    const text = doc('seed-defects.md');
    const listed = new Set([...text.matchAll(/^### (\d+)\. /gm)].map((m) => Number(m[1])));
    /** Every "`file.test.ts` › `test name`" pair the doc cites as proof. */
    const proofs = [...text.matchAll(/`([^`\s]+\.test\.tsx?)` › `([^`]+)`/g)].map((m) => ({ file: m[1] ?? '', name: m[2] ?? '' }));

    it('lists every seed defect that a comment or test in src/, test/ or web/ cites', () => {
      const cited = ['src', 'test', 'web'].flatMap((dir) =>
        sourceFiles(join(ROOT, dir)).flatMap((file) =>
          // "seed defect N", "seed defects N and M", "seed defects N, M and K", "seed defects N-M"
          [...readFileSync(file, 'utf8').matchAll(/seed defects? (\d+(?:-\d+)?(?:(?:,\s*|\s+and\s+)\d+(?:-\d+)?)*)/gi)].flatMap((m) =>
            (m[1] ?? '').split(/,\s*|\s+and\s+/).flatMap((item) => {
              const [from = 0, to = from] = item.split('-').map(Number);
              return Array.from({ length: to - from + 1 }, (_, i) => ({ file: file.slice(ROOT.length), defect: from + i }));
            }),
          ),
        ),
      );
      expect(cited.length).toBeGreaterThan(0);
      expect(cited.filter((c) => !listed.has(c.defect))).toEqual([]);
    });

    it('names, for every defect it lists, tests that exist', () => {
      expect(listed.size).toBeGreaterThan(0);
      for (const defect of listed) {
        const section = text.slice(text.indexOf(`### ${defect}. `)).split(/^### /m)[1] ?? '';
        expect(section, `defect ${defect} names no test`).toMatch(/\.test\.tsx?` › `/);
      }
      const missing = proofs.filter(({ file, name }) => {
        const path = join(ROOT, file);
        if (!existsSync(path)) return true;
        const quoted = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        return !new RegExp(`\\b(?:it|test)(?:\\.\\w+)?\\(\\s*(['"\`])${quoted}\\1`).test(readFileSync(path, 'utf8'));
      });
      expect(missing).toEqual([]);
    });
  });
});

/** Source files under dir (TypeScript, TSX, JavaScript modules), skipping dependencies and build output. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name === 'dist') return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mjs|js)$/.test(name) ? [path] : [];
  });
}
