import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type SwitchboardClient } from '../../src/sdk/index.js';
import {
  ROOT,
  runCommand,
  startServerProcess,
  type CommandOutcome,
  type ServerCommand,
  type ServerProcess,
} from '../support/server-process.js';

/** The `switchboard` command as a process, as a shell runs it. */
export const CLI: ServerCommand = { executable: process.execPath, args: ['--import', 'tsx', 'src/cli/main.ts'] };
const COMMAND_TIMEOUT_MS = 20_000;
const OUTPUT_TIMEOUT_MS = 15_000;

/** One real server per test file, with tokens required, and the CLI pointed at it. */
export interface CliServer {
  url: string;
  /** The first start's admin secret. */
  admin: string;
  /** The SDK as the admin: sets up what a test needs and checks what the CLI did. */
  client: SwitchboardClient;
  /** Runs `switchboard ...args` to its end, as the admin unless `env` says otherwise. */
  run(args: string[], env?: Record<string, string>): Promise<CommandOutcome>;
  /** Starts `switchboard ...args` that runs until stopped (`--follow`). */
  start(args: string[], env?: Record<string, string>): RunningCli;
  stop(): Promise<void>;
}

/**
 * A server on a fresh SQLite file with the anonymous role off (so the CLI's token is what
 * authorises it) and dispatch manual unless asked (a test decides when a task is assigned).
 */
export async function startCliServer(env: Record<string, string> = {}): Promise<CliServer> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));
  let server: ServerProcess;
  try {
    server = await startServerProcess(
      { SWITCHBOARD_DATA: join(dir, 'db.sqlite'), SWITCHBOARD_ANONYMOUS_ROLE: 'none', SWITCHBOARD_DISPATCH: 'manual', ...env },
      ['serve'],
      CLI,
    );
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const admin = /\b(sbt_[A-Za-z0-9_-]+)/.exec(server.output())?.[1];
  if (admin === undefined) throw new Error(`no admin token in the first start's output:\n${server.output()}`);
  const connection = { SWITCHBOARD_URL: server.baseUrl, SWITCHBOARD_TOKEN: admin };
  const client = createClient({ url: server.baseUrl, token: admin });
  return {
    url: server.baseUrl,
    admin,
    client,
    run: (args, extra = {}) => runCli(args, { ...connection, ...extra }),
    start: (args, extra = {}) => startCli(args, { ...connection, ...extra }),
    stop: async () => {
      client.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `switchboard ...args` to its end with only the settings given (none of the test run's leak in). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CommandOutcome> {
  return runCommand({ ...CLI, args: [...CLI.args, ...args] }, { LOG_LEVEL: 'warn', ...env }, COMMAND_TIMEOUT_MS);
}

/** A CLI process still running: its output so far, and how to stop it. */
export interface RunningCli {
  /** Resolves with stdout once it matches `pattern`; fails after a timeout with what came so far. */
  waitFor(pattern: RegExp): Promise<string>;
  /** Sends the signal and resolves with how it ended. */
  stop(signal: NodeJS.Signals): Promise<CommandOutcome>;
}

export function startCli(args: string[], env: Record<string, string>): RunningCli {
  const child = spawn(CLI.executable, [...CLI.args, ...args], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? tmpdir(), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(stdout)) return;
          done();
          resolve(stdout);
        };
        const timer = setTimeout(() => {
          done();
          child.kill('SIGKILL');
          reject(new Error(`no ${String(pattern)} within ${OUTPUT_TIMEOUT_MS} ms; stdout:\n${stdout}\nstderr:\n${stderr}`));
        }, OUTPUT_TIMEOUT_MS);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    stop: async (signal) => {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
      const code = await exited;
      clearTimeout(timer);
      return { code, stdout, stderr };
    },
  };
}
