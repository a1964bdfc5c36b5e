import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { browserRequired, chromiumAvailable, ROOT } from './support.js';

const WEB = join(ROOT, 'web');
const BUILT = join(WEB, 'dist', 'index.html');

function newestSource(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (path === WEB && (entry === 'dist' || entry === 'node_modules')) continue;
    newest = Math.max(newest, newestSource(join(path, entry)));
  }
  return newest;
}

/**
 * Builds the dashboard once before the browser suites when `web/dist` is missing or
 * older than its sources (the server serves `web/dist`). Skipped when no browser
 * suite can run.
 */
export default function setup(): void {
  if (!chromiumAvailable() && !browserRequired()) return;
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= newestSource(WEB)) return;
  console.log('[switchboard] building the dashboard for the browser tests (web/dist is missing or stale)');
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
