import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer, type ServerHandle } from '../../src/server.js';

/** startServer(config) in-process: the server npm start and switchboard serve run, importable without side effects. */
let handle: ServerHandle | null = null;
let dir: string | null = null;
afterEach(async () => {
  await handle?.close();
  handle = null;
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

const ARGV = ['node', 'switchboard'];

describe('startServer', () => {
  it('migrates a fresh store, listens on the port it reports, prints the first admin token, and closes (twice is fine)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-start-'));
    const config = loadConfig({ PORT: '0', SWITCHBOARD_DATA: join(dir, 'db.sqlite'), LOG_LEVEL: 'silent' }, ARGV);
    const printed: string[] = [];
    handle = await startServer(config, { print: (text) => printed.push(text) });
    expect(handle.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(handle.url).not.toMatch(/:0$/);
    const tasks = await fetch(`${handle.url}/api/tasks`);
    expect(tasks.status).toBe(200);
    expect(await tasks.json()).toMatchObject({ success: true, tasks: [], count: 0 });
    expect(printed.join('')).toMatch(/First start: created an admin API token[\s\S]*sbt_/);
    expect(printed.join('')).toContain(`Switchboard listening on ${handle.url}`);
    expect(existsSync(join(dir, 'db.sqlite'))).toBe(true);

    const url = handle.url;
    await Promise.all([handle.close(), handle.close()]);
    handle = null;
    await expect(fetch(`${url}/api/health`)).rejects.toThrow();
  });

  it('a store that cannot be opened rejects the start and leaves nothing listening', async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-start-'));
    // A directory where the SQLite file should be: the driver cannot open it.
    const config = loadConfig({ PORT: '0', SWITCHBOARD_DATA: dir, LOG_LEVEL: 'silent' }, ARGV);
    await expect(startServer(config, { print: () => undefined })).rejects.toThrow(/Cannot open the SQLite database/);
  });
});
