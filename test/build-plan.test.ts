import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashFiles, inputsOf, planBuild, recordModules, STAMP_FILES, writeStamp } from '../scripts/build-plan.mjs';

/** `npm start` builds only what changed: the decision, on a throw-away project tree. */
let root: string | null = null;
afterEach(() => {
  if (root !== null) rmSync(root, { recursive: true, force: true });
  root = null;
});

function write(file: string, text: string): void {
  const path = join(project(), file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function project(): string {
  root ??= mkdtempSync(join(tmpdir(), 'switchboard-build-'));
  return root;
}

/** A tree shaped like ours: server sources, a unit test, dashboard sources that bundle one server module. */
function checkout(): void {
  write('package-lock.json', '{"lockfileVersion":3}');
  write('tsconfig.json', '{}');
  write('tsconfig.build.json', '{}');
  write('src/main.ts', 'export {};');
  write('src/core/capabilities.ts', 'export const a = 1;');
  write('src/core/capabilities.test.ts', 'test');
  write('web/index.html', '<div id="root"></div>');
  write('web/vite.config.ts', 'export default {};');
  write('web/tsconfig.json', '{}');
  write('web/public/favicon.svg', '<svg/>');
  write('web/src/main.tsx', "import '../../src/core/capabilities.js';");
  write('web/src/unused.tsx', 'not bundled');
}

/** What scripts/build.mjs leaves behind after building both targets. */
function built(): void {
  write('dist/src/main.js', 'built');
  write('web/dist/index.html', 'built');
  const r = project();
  writeStamp(r, 'server', hashFiles(r, inputsOf(r, 'server')));
  const modules = ['web/index.html', 'web/src/main.tsx', 'src/core/capabilities.ts'];
  writeStamp(r, 'web', hashFiles(r, [...inputsOf(r, 'web'), ...modules]), modules);
}

const reasons = () => Object.fromEntries(planBuild(project()).map((d) => [d.target, d.reason]));

describe('build plan (scripts/build-plan.mjs)', () => {
  it('a fresh checkout builds both targets, naming the missing output', () => {
    checkout();
    expect(reasons()).toEqual({ server: 'dist/src/main.js is missing', web: 'web/dist/index.html is missing' });
  });

  it('nothing changed since the recorded build: nothing is rebuilt', () => {
    checkout();
    built();
    expect(reasons()).toEqual({ server: null, web: null });
  });

  it('a changed server source rebuilds the server, and not the dashboard that does not bundle it', () => {
    checkout();
    built();
    write('src/main.ts', 'export const changed = true;');
    expect(reasons()).toEqual({ server: 'src/main.ts changed', web: null });
  });

  it('a changed server module the dashboard bundles rebuilds both', () => {
    checkout();
    built();
    write('src/core/capabilities.ts', 'export const a = 2;');
    expect(reasons()).toEqual({ server: 'src/core/capabilities.ts changed', web: 'src/core/capabilities.ts changed' });
  });

  it('a new server file, a removed bundled module and a changed lockfile each count as a change', () => {
    checkout();
    built();
    write('src/new-module.ts', 'export {};');
    unlinkSync(join(project(), 'web/src/main.tsx'));
    expect(reasons()).toEqual({ server: 'src/new-module.ts is new', web: 'web/src/main.tsx was removed' });
    write('package-lock.json', '{"lockfileVersion":3,"packages":{}}');
    expect(reasons()).toEqual({
      server: 'package-lock.json changed, src/new-module.ts is new',
      web: 'package-lock.json changed, web/src/main.tsx was removed',
    });
  });

  it('a new migration rebuilds the server, whose build ships the .sql files beside the compiled store', () => {
    checkout();
    write('src/storage/sqlite/migrations/0001_init.sql', 'CREATE TABLE t (id INTEGER);');
    built();
    write('src/storage/sqlite/migrations/0002_more.sql', 'ALTER TABLE t ADD COLUMN x INTEGER;');
    expect(reasons()).toEqual({ server: 'src/storage/sqlite/migrations/0002_more.sql is new', web: null });
  });

  it('a stylesheet reached only through a CSS @import rebuilds the dashboard when it changes', () => {
    checkout();
    write('web/src/styles/board.css', '.board { display: grid; }');
    built();
    write('web/src/styles/board.css', '.board { display: flex; }');
    expect(reasons()).toEqual({ server: null, web: 'web/src/styles/board.css changed' });
  });

  it('files nothing builds from (unit tests, unbundled dashboard files) never cause a rebuild', () => {
    checkout();
    built();
    write('src/core/capabilities.test.ts', 'changed test');
    write('web/src/unused.tsx', 'changed, still not bundled');
    expect(reasons()).toEqual({ server: null, web: null });
  });

  it('a missing, corrupt or older-format stamp is not trusted', () => {
    checkout();
    built();
    rmSync(join(project(), STAMP_FILES.server));
    write(STAMP_FILES.web, '{"version":0,"inputs":{}}');
    expect(reasons()).toEqual({ server: 'no record of what it was built from', web: 'no record of what it was built from' });
    write(STAMP_FILES.web, '{not json');
    expect(reasons().web).toBe('no record of what it was built from');
  });

  it('a deleted output is rebuilt even when its stamp says current', () => {
    checkout();
    built();
    unlinkSync(join(project(), 'web/dist/index.html'));
    expect(reasons()).toEqual({ server: null, web: 'web/dist/index.html is missing' });
  });

  it('records only bundled project files: not dependencies, virtual modules, queries or files outside the project', () => {
    checkout();
    const r = project();
    expect(
      recordModules(r, [
        join(r, 'web/src/main.tsx?used'),
        join(r, 'src/core/capabilities.ts'),
        join(r, 'node_modules/react/index.js'),
        '\0vite/preload-helper.js',
        join(dirname(r), 'elsewhere.ts'),
      ]),
    ).toEqual(['src/core/capabilities.ts', 'web/src/main.tsx']);
  });
});
