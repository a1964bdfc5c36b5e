import { execFileSync } from 'node:child_process';
import { browserRequired, chromiumAvailable, ROOT } from './support.js';

/**
 * Brings the dashboard build up to date before the browser suites (the server serves
 * `web/dist`), through the same script and the same staleness check as `npm start`, so a
 * change to any bundled file, including one under `src/`, is rebuilt. Skipped when no
 * browser suite can run.
 */
export default function setup(): void {
  if (!chromiumAvailable() && !browserRequired()) return;
  execFileSync(process.execPath, ['scripts/build.mjs', 'web'], { cwd: ROOT, stdio: 'inherit' });
}
