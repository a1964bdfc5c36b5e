import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startServerProcess } from '../support/server-process.js';

/** Debian's Chromium: the browser tests drive it with playwright-core (no browser download). */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');

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
        throw new Error(
          `Chromium not found at ${CHROMIUM_PATH} and SWITCHBOARD_REQUIRE_BROWSER=1: install it (apt-get install -y chromium)`,
        );
      });
    });
    return;
  }
  console.warn(
    `[switchboard] Chromium not found at ${CHROMIUM_PATH}: skipping ${name} (set SWITCHBOARD_REQUIRE_BROWSER=1 to make it mandatory)`,
  );
  // Skipped only where the dependency is absent and not required; the warning above says so, and CI requires it.
  describe.skip(name, fn);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

export interface RunningServer {
  baseUrl: string;
  /** Everything the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the real server on a free port with its own SQLite file and manual dispatch
 * (the tests decide when work is assigned), and resolves once it is listening.
 */
export async function startServer(options: { demo?: boolean; env?: Record<string, string> } = {}): Promise<RunningServer> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-browser-'));
  try {
    const server = await startServerProcess(
      { SWITCHBOARD_DATA: join(dir, 'sb.db'), SWITCHBOARD_DISPATCH: 'manual', LOG_LEVEL: 'info', ...options.env },
      options.demo === true ? ['--demo'] : [],
    );
    return {
      baseUrl: server.baseUrl,
      output: server.output,
      stop: async () => {
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * A suite's server and browser: started before its first test, stopped after its last
 * (hooks registered later, e.g. closing a context, run before these).
 */
export function serverAndBrowser(options: Parameters<typeof startServer>[0] = {}): {
  readonly server: RunningServer;
  readonly browser: Browser;
} {
  const running = {} as { server: RunningServer; browser: Browser };
  beforeAll(async () => {
    running.server = await startServer(options);
    running.browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await running.browser?.close();
    await running.server?.stop();
  });
  return running;
}

/** Resolves once the page's socket is connected, so a change made after it reaches the page live. */
export async function waitForLive(page: Page, timeout = 10_000): Promise<void> {
  await page.locator('[data-connection="connected"]').first().waitFor({ state: 'attached', timeout });
}

/** The admin token a fresh store prints once on its first start (in the server's output). */
export function firstStartToken(output: string): string {
  const match = /First start: created an admin API token[^\n]*\n\n\s+(\S+)/.exec(output);
  if (match?.[1] === undefined) throw new Error(`no admin token in the server's output:\n${output}`);
  return match[1];
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
