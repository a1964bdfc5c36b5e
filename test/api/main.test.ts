import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/** The real entry point, run as a process: start-up, configuration errors and shutdown. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WAIT_MS = 20_000;

let child: ChildProcess | null = null;
let dir: string | null = null;
afterEach(() => {
  if (child !== null && child.exitCode === null) child.kill('SIGKILL');
  child = null;
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

interface Run {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(env: Record<string, string>, args: string[] = []): Run {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-main-'));
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    // Only what the test sets: no DATABASE_URL or PORT leaks in from the environment.
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? dir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      SWITCHBOARD_DATA: join(dir, 'db.sqlite'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let out = '';
  let err = '';
  proc.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { process: proc, stdout: () => out, stderr: () => err, exited };
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), WAIT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

function waitForOutput(r: Run, pattern: RegExp): Promise<RegExpExecArray> {
  return within(
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(r.stdout());
        if (match !== null) resolve(match);
      };
      r.process.stdout?.on('data', check);
      r.process.once('exit', () => reject(new Error(`exited before ${pattern}: ${r.stderr()}`)));
      check();
    }),
    String(pattern),
  );
}

describe('main', () => {
  it('seed defect 17: a bad setting stops start-up with a message naming it and a non-zero exit', async () => {
    const r = run({ SWITCHBOARD_LEASE_MS: 'abc' });
    expect(await within(r.exited, 'exit')).toBe(1);
    expect(r.stderr()).toContain('Invalid SWITCHBOARD_LEASE_MS: expected a non-negative integer, got "abc"');
  });

  it('seed defect 17: a store that cannot be opened stops start-up instead of serving empty data', async () => {
    const r = run({ SWITCHBOARD_DATA: '/dev/null/cannot/db.sqlite' });
    expect(await within(r.exited, 'exit')).toBe(1);
    expect(r.stderr()).toContain('Switchboard failed to start');
  });

  it('serves the demo, prints where, and shuts down cleanly on SIGTERM', async () => {
    const r = run({}, ['--demo']);
    const [, base] = await waitForOutput(r, /Switchboard listening on (http:\/\/127\.0\.0\.1:\d+)/);
    expect(r.stdout()).toMatch(/admin API token[\s\S]*sbt_/);
    expect(r.stdout()).toContain('/api/docs');

    const health = (await (await fetch(`${base}/api/health`)).json()) as { status: string };
    expect(health.status).toBe('healthy');
    const tasks = (await (await fetch(`${base}/api/tasks`)).json()) as { count: number };
    expect(tasks.count).toBe(10);

    r.process.kill('SIGTERM');
    expect(await within(r.exited, 'exit after SIGTERM')).toBe(0);
  });
});
