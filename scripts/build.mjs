// @ts-check
// `npm run build` / `npm start`: builds the server (tsc) and the dashboard (Vite), each only when
// what it was built from changed (see build-plan.mjs), and says which and why on stderr, so that
// stdout stays the program's own (the URL of `npm start`, the token of `npm run token`).
//
//   node scripts/build.mjs [server] [web] [--force] [--quiet]
//
// --quiet says nothing when everything is current (the `switchboard` launcher runs it every time).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ENTRY_OUTPUTS,
  hashFiles,
  inputsOf,
  planBuild,
  readStamp,
  recordModules,
  STAMP_FILES,
  TARGETS,
  writeStamp,
} from './build-plan.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
/** Must match tsBuildInfoFile in tsconfig.build.json. */
const SERVER_BUILD_INFO = 'dist/tsconfig.build.tsbuildinfo';
const USAGE = `usage: node scripts/build.mjs [${TARGETS.join('] [')}] [--force] [--quiet]`;

/** @param {string} line */
const say = (line) => process.stderr.write(`build: ${line}\n`);

/** @param {number} since */
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** @param {string[]} args */
function parseArgs(args) {
  const force = args.includes('--force');
  const quiet = args.includes('--quiet');
  const names = args.filter((a) => a !== '--force' && a !== '--quiet');
  const unknown = names.filter((n) => !(/** @type {readonly string[]} */ (TARGETS).includes(n)));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown build target or option: ${unknown.join(' ')}\n${USAGE}\n`);
    process.exit(2);
  }
  return { force, quiet, only: names.length === 0 ? TARGETS : TARGETS.filter((t) => names.includes(t)) };
}

/**
 * tsc, incremental through dist/tsconfig.build.tsbuildinfo: it compares sources by content with
 * what it last compiled and re-emits only what they affect. A full build when there is no stamp
 * (first build, or one that failed): the buildinfo cannot see outputs deleted behind its back.
 *
 * @param {boolean} full
 */
function buildServer(full) {
  const inputs = hashFiles(ROOT, inputsOf(ROOT, 'server'));
  if (full) rmSync(join(ROOT, SERVER_BUILD_INFO), { force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) return false;
  copyMigrations();
  writeStamp(ROOT, 'server', inputs);
  return true;
}

/**
 * The `.sql` migrations next to the compiled storage modules, which read them from beside
 * themselves: a package holding only `dist/` must still migrate a fresh store. Copied afresh
 * (not merged) so the build holds exactly the source's files; the `.sql` files under `src/`
 * stay the one source and are inputs of the server build (build-plan.mjs), so a new one rebuilds.
 */
function copyMigrations() {
  for (const dialect of readdirSync(join(ROOT, 'src/storage'))) {
    const from = join(ROOT, 'src/storage', dialect, 'migrations');
    if (!existsSync(from)) continue;
    const to = join(ROOT, 'dist/src/storage', dialect, 'migrations');
    rmSync(to, { recursive: true, force: true });
    cpSync(from, to, { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
  }
}

/** Vite's production build, recording which project files went into the bundle. */
async function buildWeb() {
  const inputs = hashFiles(ROOT, inputsOf(ROOT, 'web'));
  // NODE_ENV decides which React build is bundled; a test runner's NODE_ENV=test must not leak in.
  process.env.NODE_ENV = 'production';
  const { build } = await import('vite');
  /** @type {string[]} */
  let moduleIds = [];
  await build({
    configFile: join(ROOT, 'web/vite.config.ts'),
    logLevel: 'warn',
    plugins: [
      {
        name: 'switchboard:record-inputs',
        buildEnd() {
          moduleIds = [...this.getModuleIds()];
        },
      },
    ],
  });
  const modules = recordModules(ROOT, moduleIds);
  writeStamp(ROOT, 'web', { ...inputs, ...hashFiles(ROOT, modules) }, modules);
  return modules.length;
}

async function main() {
  const { force, quiet, only } = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const plan = planBuild(ROOT).filter((d) => only.includes(d.target));
  for (const { target, reason } of plan) {
    const why = force ? 'forced' : reason;
    if (why === null) {
      if (!quiet) say(`${target} is up to date`);
      continue;
    }
    say(`${target}: ${why}; building...`);
    const full = force || readStamp(ROOT, target) === null || !existsSync(join(ROOT, ENTRY_OUTPUTS[target]));
    // No stamp while building: a build that fails or is interrupted is redone in full next time.
    rmSync(join(ROOT, STAMP_FILES[target]), { force: true });
    const since = performance.now();
    if (target === 'server') {
      if (!buildServer(full)) {
        say('server build failed');
        process.exitCode = 1;
        return;
      }
      say(`server built in ${seconds(since)}`);
    } else {
      const modules = await buildWeb();
      say(`web built from ${modules} project files in ${seconds(since)}`);
    }
  }
  if (plan.length > 1 && !(quiet && plan.every((d) => d.reason === null && !force))) say(`done in ${seconds(started)}`);
}

main().catch((/** @type {unknown} */ err) => {
  say(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
