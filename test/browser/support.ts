import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { describe, it } from 'vitest';

/** Debian's Chromium: the browser tests drive it with playwright-core (no browser download). */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');
/** How long the server may take to print its listening line. */
const SERVER_START_TIMEOUT_MS = 30_000;
const SERVER_STOP_TIMEOUT_MS = 10_000;

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export function browserRequired(): boolean {
  return process.env['SWITCHBOARD_REQUIRE_BROWSER'] === '1';
}

/**
 * `describe` for suites that need Chromium: runs when it is installed, fails with a
 * clear message when SWITCHBOARD_REQUIRE_BROWSER=1 and it is missing, else skips with
 * a warning (so a machine without a browser still runs every other suite).
 */
export function describeBrowser(name: string, fn: () => void): void {
  if (chromiumAvailable()) {
    describe(name, fn);
    return;
  }
  if (browserRequired()) {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`Chromium not found at ${CHROMIUM_PATH} and SWITCHBOARD_REQUIRE_BROWSER=1: install it (apt-get install -y chromium)`);
      });
    });
    return;
  }
  console.warn(`[switchboard] Chromium not found at ${CHROMIUM_PATH}: skipping ${name} (set SWITCHBOARD_REQUIRE_BROWSER=1 to make it mandatory)`);
  describe.skip(name, fn);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

export interface RunningServer {
  baseUrl: string;
  /** Everything the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the real server (`node --import tsx src/main.ts`) on a free port with its own
 * SQLite file and manual dispatch, and resolves once it prints its listening line.
 */
export async function startServer(options: { demo?: boolean; env?: Record<string, string> } = {}): Promise<RunningServer> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-browser-'));
  const args = ['--import', 'tsx', 'src/main.ts', ...(options.demo === true ? ['--demo'] : [])];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      SWITCHBOARD_DATA: join(dir, 'sb.db'),
      SWITCHBOARD_DISPATCH: 'manual',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (output += chunk));
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const baseUrl = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start within ${SERVER_START_TIMEOUT_MS} ms:\n${output}`)), SERVER_START_TIMEOUT_MS);
      child.stdout.on('data', (chunk: string) => {
        output += chunk;
        const match = /Switchboard listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(output);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolveUrl(match[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with code ${String(code)} before listening:\n${output}`));
      });
    });
    return { baseUrl, output: () => output, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), SERVER_STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** A small REST client for arranging state "from another client". */
export class Api {
  constructor(readonly baseUrl: string) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as T & { success: boolean; error?: string };
    if (!response.ok) throw new Error(`${method} ${path} -> ${response.status}: ${json.error ?? ''}`);
    return json;
  }

  async createTask(body: Record<string, unknown>): Promise<TaskJson> {
    return (await this.call<{ task: TaskJson }>('POST', '/api/tasks', body)).task;
  }

  async createAgent(body: Record<string, unknown>): Promise<{ id: string }> {
    return (await this.call<{ agent: { id: string } }>('POST', '/api/agents', body)).agent;
  }

  async metrics(): Promise<MetricsJson> {
    return (await this.call<{ metrics: MetricsJson }>('GET', '/api/tasks/metrics')).metrics;
  }
}

export interface TaskJson {
  id: string;
  title: string;
  status: string;
}

export interface MetricsJson {
  totalTasks: number;
  completedTasks: number;
  failedTasks: number;
  activeAgents: number;
  slaAtRisk: number;
  byStatus: Record<string, number>;
}

/**
 * Collects console errors and warnings and uncaught page errors; `expected` patterns
 * (e.g. the browser's own "Failed to load resource" line for a 422 a test provokes) are ignored.
 */
export function watchConsole(page: Page): { problems(expected?: readonly RegExp[]): string[] } {
  const seen: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error' || m.type() === 'warning') seen.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e: Error) => seen.push(`pageerror: ${e.message}`));
  return { problems: (expected = []) => seen.filter((line) => !expected.some((re) => re.test(line))) };
}

export async function screenshot(page: Page, name: string, dir = SCREENSHOT_DIR): Promise<void> {
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}
