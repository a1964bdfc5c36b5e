import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCommand, startServerProcess, type CommandOutcome, type ServerProcess } from '../support/server-process.js';

/** `npm run token -- --admin`: a new admin token minted into the store, with no server running the command. */
const COMMAND_TIMEOUT_MS = 20_000;

let server: ServerProcess | null = null;
let dir: string | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

/** Runs the command as `npm run token` does (minus the build), with only the settings given. */
function token(env: Record<string, string>, args: string[]): Promise<CommandOutcome> {
  return runCommand({ executable: process.execPath, args: ['--import', 'tsx', 'src/token-main.ts', ...args] }, env, COMMAND_TIMEOUT_MS);
}

function tempDir(): string {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-token-'));
  return dir;
}

const listTokens = (base: string, secret?: string) =>
  fetch(`${base}/api/tokens`, { headers: secret === undefined ? {} : { authorization: `Bearer ${secret}` } });

describe('npm run token -- --admin', () => {
  it('mints an admin token into the store a running server uses; the server accepts it on an admin-only route', async () => {
    const file = join(tempDir(), 'switchboard.db');
    // The first start prints its admin token once; this test "loses" it.
    server = await startServerProcess({ SWITCHBOARD_DATA: file, SWITCHBOARD_ANONYMOUS_ROLE: 'none' });
    expect((await listTokens(server.baseUrl)).status).toBe(401);

    const minted = await token({ SWITCHBOARD_DATA: file }, ['--admin', '--label', 'lost the first one']);
    expect(minted.stderr).toContain('Created admin token "lost the first one"');
    expect(minted.code).toBe(0);
    // stdout is the secret and nothing else, so a shell can capture it.
    expect(minted.stdout).toMatch(/^sbt_[A-Za-z0-9_-]+\n$/);
    const secret = minted.stdout.trim();

    const response = await listTokens(server.baseUrl, secret);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { tokens: { label: string; role: string }[] };
    expect(body.tokens).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ label: 'bootstrap admin', role: 'admin' }),
        expect.objectContaining({ label: 'lost the first one', role: 'admin' }),
      ]),
    );
  });

  it('refuses a SQLite file that does not exist instead of creating an empty store, exiting 1', async () => {
    const file = join(tempDir(), 'typo.db');
    const outcome = await token({ SWITCHBOARD_DATA: file }, ['--admin']);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(`No Switchboard database at ${file}`);
    expect(outcome.stdout).toBe('');
    expect(existsSync(file)).toBe(false);
  });

  it('reads the configuration as the server does: a bad setting is named and exits 1', async () => {
    const outcome = await token({ SWITCHBOARD_DATA: join(tempDir(), 'x.db'), SWITCHBOARD_LEASE_MS: 'abc' }, ['--admin']);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('Invalid SWITCHBOARD_LEASE_MS');
  });

  it('reports a PostgreSQL store it cannot reach and exits 1', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const outcome = await token({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, ['--admin']);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/PostgreSQL/);
    expect(outcome.stdout).toBe('');
  });

  it('without --admin, or with an unknown argument, prints the usage and exits 2', async () => {
    const file = join(tempDir(), 'x.db');
    for (const args of [[], ['--admin', '--role', 'viewer'], ['--admin', '--label']]) {
      const outcome = await token({ SWITCHBOARD_DATA: file }, args);
      expect(outcome.code, args.join(' ')).toBe(2);
      expect(outcome.stderr).toContain('usage: npm run token -- --admin [--label <text>]');
    }
  });
});
