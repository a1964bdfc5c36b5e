import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, startServerProcess, type ServerProcess } from './support/server-process.js';

/**
 * The published shape, proven: `npm pack`, install the tarball into an empty prefix as a user
 * would (no dev dependencies, no clone beside it), and `switchboard serve` there migrates a
 * fresh store and serves the API and the dashboard.
 *
 * Slow: installing the tarball builds better-sqlite3 from source when no prebuilt binary can be
 * fetched (about 2 minutes on 2 cores), so it runs only with SWITCHBOARD_PACK_TEST=1, which
 * `.ci/run` sets.
 */
const ENABLED = process.env['SWITCHBOARD_PACK_TEST'] === '1';
const INSTALL_TIMEOUT_MS = 8 * 60_000;

let server: ServerProcess | null = null;
let dir: string | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

if (!ENABLED) console.warn('[switchboard] skipping the npm pack install test (slow; set SWITCHBOARD_PACK_TEST=1 to run it)');

/** Runs npm to its end; rejects with its output when it fails. */
function npm(args: string[], cwd: string): Promise<string> {
  const child = spawn('npm', args, { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`npm ${args.join(' ')} exited ${String(code)}:\n${output}`)),
    );
  });
}

function filesUnder(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(root, path) : [relative(root, path)];
  });
}

describe('the npm package', () => {
  it.runIf(ENABLED)(
    'installed from its tarball, switchboard serve migrates a fresh store and serves the API and the dashboard',
    async () => {
      const tmp = mkdtempSync(join(tmpdir(), 'switchboard-pack-'));
      dir = tmp;
      // prepack builds what changed, so the tarball holds a current dist/.
      await npm(['pack', '--pack-destination', tmp], ROOT);
      const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
      expect(tarball).toBeDefined();

      const prefix = join(tmp, 'prefix');
      mkdirSync(prefix);
      // A user's project that allows better-sqlite3's install script, as ours does: npm installs it quietly.
      writeFileSync(join(prefix, 'package.json'), JSON.stringify({ private: true, allowScripts: { 'better-sqlite3': true } }));
      await npm(['install', join(tmp, tarball ?? ''), '--no-audit', '--no-fund', '--omit=dev', '--prefer-offline'], prefix);

      const installed = join(prefix, 'node_modules', 'switchboard');
      const files = filesUnder(installed);
      expect(files.filter((f) => f.startsWith('src/') || /\.test\.[jt]s$/.test(f))).toEqual([]);
      expect(files).toContain('dist/src/storage/sqlite/migrations/0001_init.sql');
      expect(files).toContain('dist/src/storage/postgres/migrations/0001_init.sql');
      expect(files).toContain('web/dist/index.html');

      const data = join(tmp, 'fresh', 'switchboard.sqlite');
      server = await startServerProcess(
        // Blank DATABASE_URL means unset: the fresh SQLite file, whatever the test's environment says.
        { SWITCHBOARD_DATA: data, DATABASE_URL: '' },
        ['serve'],
        // From the temp dir, far from the clone: nothing may be read from its src/.
        { executable: join(prefix, 'node_modules', '.bin', 'switchboard'), args: [], cwd: tmp },
      );
      expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
      const tasks = await fetch(`${server.baseUrl}/api/tasks`);
      expect(tasks.status).toBe(200);
      expect(await tasks.json()).toMatchObject({ success: true, tasks: [], count: 0 });
      const dashboard = await fetch(`${server.baseUrl}/`);
      expect(dashboard.status).toBe(200);
      expect(await dashboard.text()).toContain('<div id="root">');
      expect(existsSync(data)).toBe(true);
      expect(await server.stop()).toBe(0);
    },
    INSTALL_TIMEOUT_MS,
  );
});
