import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** A real Switchboard server process (`node --import tsx src/main.ts`, or the command given). */
export interface ServerProcess {
  baseUrl: string;
  child: ChildProcess;
  /** Everything it printed so far, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if it does not exit in time; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL at once: a crash, nothing flushed. */
  kill(): Promise<void>;
}

/** Which program to run as the server; by default `npm start`'s entry under tsx. */
export interface ServerCommand {
  /** The executable, e.g. an installed `node_modules/.bin/switchboard`. */
  executable: string;
  /** Its arguments, before the `args` of {@link startServerProcess}. */
  args: string[];
  /** Working directory; the project root by default. */
  cwd?: string;
}

const MAIN_ENTRY: ServerCommand = { executable: process.execPath, args: ['--import', 'tsx', 'src/main.ts'] };

/** Starts a server on a free loopback port and resolves once it prints its listening line. */
export async function startServerProcess(
  env: Record<string, string>,
  args: string[] = [],
  command: ServerCommand = MAIN_ENTRY,
): Promise<ServerProcess> {
  const child = spawn(command.executable, [...command.args, ...args], {
    cwd: command.cwd ?? ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (!running()) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  const kill = async () => {
    if (!running()) return;
    child.kill('SIGKILL');
    await exited;
  };
  try {
    const baseUrl = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
      child.stdout?.on('data', (chunk: string) => {
        output += chunk;
        const match = /Switchboard listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolveUrl(match[1]);
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with code ${String(code)} before listening:\n${output}`));
      });
    });
    return { baseUrl, child, output: () => output, stop, kill };
  } catch (err) {
    await kill();
    throw err;
  }
}

/** JSON over fetch, returning status and body whatever the status. */
export async function call(baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(baseUrl + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What a command run to its end printed, and how it exited. */
export interface CommandOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end from the project root with only PATH, HOME and `env` set, so no
 * DATABASE_URL or PORT of the test run leaks in; SIGKILLs it and fails after `timeoutMs`.
 */
export function runCommand(command: ServerCommand, env: Record<string, string>, timeoutMs: number): Promise<CommandOutcome> {
  const child = spawn(command.executable, command.args, {
    cwd: command.cwd ?? ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command.args.join(' ')} did not exit within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
