import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runCli as switchboard } from './cli/cli-harness.js';
import { ROOT, startServerProcess, type ServerProcess } from './support/server-process.js';

/** The `switchboard` command as a process, without a server of its own: what a shell sees (streams and exit codes). */
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let server: ServerProcess | null = null;
let dir: string | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

function tempDir(): string {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));
  return dir;
}

describe('switchboard CLI', () => {
  it('--help lists the command groups, the connection options and the exit codes; --version prints the package version', async () => {
    const help = await switchboard(['--help']);
    expect(help.code).toBe(0);
    for (const text of [
      'serve',
      'token',
      'task',
      'agent',
      'events',
      '--url <url>',
      '--token <token>',
      '--json',
      'Exit codes:',
      'docs/cli.md',
    ]) {
      expect(help.stdout).toContain(text);
    }
    expect(help.stdout).toMatch(/^ {2}3 {2}no usable answer/m);
    const version = await switchboard(['--version']);
    expect(version).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('a command line the parser refuses exits 2 and says why on stderr, with nothing on stdout', async () => {
    const unknown = await switchboard(['launch']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain("unknown command 'launch'");
    const badLabel = await switchboard(['token', 'admin', '--label', ' ']);
    expect(badLabel.code).toBe(2);
    expect(badLabel.stderr).toContain('--label');
  });

  it('serve: --port, --host and --data win over the environment, and SIGTERM stops it with exit 0', async () => {
    const tmp = tempDir();
    const data = join(tmp, 'flag.sqlite');
    server = await startServerProcess(
      // Settings the flags replace; an invalid PORT proves the flag is read instead of it.
      { PORT: 'not-a-port', HOST: '0.0.0.0', SWITCHBOARD_DATA: join(tmp, 'env.sqlite') },
      ['serve', '--port', '0', '--host', '127.0.0.1', '--data', data],
      CLI,
    );
    const health = await fetch(`${server.baseUrl}/api/health`);
    expect(health.status).toBe(200);
    expect(existsSync(data)).toBe(true);
    expect(existsSync(join(tmp, 'env.sqlite'))).toBe(false);
    expect(await server.stop()).toBe(0);
  });

  it('serve: a bad flag stops start-up with exit 1 and a message naming the flag and its variable', async () => {
    const outcome = await switchboard(['serve', '--port', 'abc'], { SWITCHBOARD_DATA: join(tempDir(), 'db.sqlite') });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('Invalid --port (PORT): expected an integer from 0 to 65535, got "abc"');
  });

  it("token admin: the secret alone on stdout, minted into the running server's store, and it is an admin token", async () => {
    const data = join(tempDir(), 'db.sqlite');
    server = await startServerProcess({ SWITCHBOARD_DATA: data, SWITCHBOARD_ANONYMOUS_ROLE: 'none' }, ['serve'], CLI);
    const outcome = await switchboard(['token', 'admin', '--label', 'ci'], { SWITCHBOARD_DATA: data });
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/^sbt_[A-Za-z0-9_-]+\n$/);
    expect(outcome.stderr).toContain('Created admin token "ci"');
    const secret = outcome.stdout.trim();
    const tokens = await fetch(`${server.baseUrl}/api/tokens`, { headers: { authorization: `Bearer ${secret}` } });
    expect(tokens.status).toBe(200);
    expect(((await tokens.json()) as { tokens: { label: string }[] }).tokens.map((t) => t.label)).toContain('ci');
  });

  it('token admin never creates a store: a missing SQLite file is an error (exit 1)', async () => {
    const data = join(tempDir(), 'missing.sqlite');
    const outcome = await switchboard(['token', 'admin'], { SWITCHBOARD_DATA: data });
    expect(outcome).toMatchObject({ code: 1, stdout: '' });
    expect(outcome.stderr).toContain(`No Switchboard database at ${data}`);
    expect(existsSync(data)).toBe(false);
  });
});
