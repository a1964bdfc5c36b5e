// @ts-check
// What `npm start` has to build, decided from content hashes of what each output was built from.
// Plain JavaScript (checked by tsc through JSDoc) because it runs before anything is compiled.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** @typedef {'server' | 'web'} Target */
/** @typedef {{ target: Target; reason: string | null }} Decision `reason` is null when the output is current. */
/** @typedef {{ version: number; inputs: Record<string, string>; modules?: string[] }} Stamp */

/** Every build target, in build order. */
export const TARGETS = /** @type {const} */ (['server', 'web']);

/** Bumped when the stamp's meaning changes, so an old stamp is never trusted (2: the server build also copies the migrations). */
export const STAMP_VERSION = 2;

/** Files that change the output of both builds: the compiler settings and every locked dependency version. */
const SHARED_INPUTS = ['package-lock.json', 'tsconfig.json'];

/** Where each target's stamp lives: under the server's `dist/`, which the dashboard never serves. */
export const STAMP_FILES = /** @type {const} */ ({ server: 'dist/server-stamp.json', web: 'dist/web-stamp.json' });

/** The file whose absence means the target was never built (or was deleted since). */
export const ENTRY_OUTPUTS = /** @type {const} */ ({ server: 'dist/src/main.js', web: 'web/dist/index.html' });

/** At most this many changed files are named in a reason; the rest are counted. */
const NAMED_CHANGES_MAX = 3;

/**
 * Decides, for each target, whether its output is current. A target is rebuilt when its
 * entry output is missing, when no stamp records what it was built from, or when any input's
 * content differs from the stamp (changed, added or removed). Hashes, not modification times:
 * `git checkout` and copies move times both ways, and a stale dist must never be served.
 *
 * @param {string} root project root
 * @returns {Decision[]}
 */
export function planBuild(root) {
  return TARGETS.map((target) => ({ target, reason: staleReason(root, target) }));
}

/**
 * @param {string} root
 * @param {Target} target
 * @returns {string | null}
 */
function staleReason(root, target) {
  if (!existsSync(join(root, ENTRY_OUTPUTS[target]))) return `${ENTRY_OUTPUTS[target]} is missing`;
  const stamp = readStamp(root, target);
  if (stamp === null) return 'no record of what it was built from';
  const now = hashFiles(root, [...inputsOf(root, target), ...(stamp.modules ?? [])]);
  const changes = [];
  for (const [file, hash] of Object.entries(now)) {
    if (!(file in stamp.inputs)) {
      if (hash !== null) changes.push(`${file} is new`);
    } else if (hash !== stamp.inputs[file]) changes.push(hash === null ? `${file} was removed` : `${file} changed`);
  }
  for (const file of Object.keys(stamp.inputs)) if (!(file in now)) changes.push(`${file} was removed`);
  if (changes.length === 0) return null;
  const named = changes.slice(0, NAMED_CHANGES_MAX).join(', ');
  return changes.length > NAMED_CHANGES_MAX ? `${named} and ${changes.length - NAMED_CHANGES_MAX} more` : named;
}

/**
 * The files a target is always built from, listed afresh each time (so a new file is seen).
 * The server: everything under `src/` but unit tests, plus its tsconfig. The dashboard: its
 * page, config, static files and stylesheets; the modules it bundles are recorded by the build itself
 * (see `recordModules`), because it also bundles code from `src/` (type-only imports aside).
 *
 * @param {string} root
 * @param {Target} target
 * @returns {string[]} paths relative to root, with `/` separators
 */
export function inputsOf(root, target) {
  if (target === 'server') {
    return [...SHARED_INPUTS, 'tsconfig.build.json', ...listFiles(root, 'src').filter((f) => !f.endsWith('.test.ts'))];
  }
  // Every stylesheet besides the modules the bundler reports: one pulled in by a CSS `@import`
  // is not reported as a module, and editing it must still rebuild the dashboard.
  return [
    ...SHARED_INPUTS,
    'web/index.html',
    'web/vite.config.ts',
    'web/tsconfig.json',
    ...listFiles(root, 'web/public'),
    ...listFiles(root, 'web/src').filter((f) => f.endsWith('.css')),
  ];
}

/**
 * SHA-256 of each file, null for a file that does not exist (so a removed input reads as a change).
 *
 * @param {string} root
 * @param {string[]} files
 * @returns {Record<string, string | null>}
 */
export function hashFiles(root, files) {
  /** @type {Record<string, string | null>} */
  const out = {};
  for (const file of files) {
    const path = join(root, file);
    out[file] = existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : null;
  }
  return out;
}

/**
 * Records what a target was just built from. Call it only after the build succeeded, with the
 * hashes taken before it started: an input edited during the build then reads as changed next time.
 *
 * @param {string} root
 * @param {Target} target
 * @param {Record<string, string | null>} inputs
 * @param {string[]} [modules] for the dashboard: the project files the bundle was made of
 */
export function writeStamp(root, target, inputs, modules) {
  /** @type {Record<string, string>} */
  const present = {};
  for (const [file, hash] of Object.entries(inputs)) if (hash !== null) present[file] = hash;
  /** @type {Stamp} */
  const stamp = { version: STAMP_VERSION, inputs: present, ...(modules === undefined ? {} : { modules }) };
  const path = join(root, STAMP_FILES[target]);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(stamp, null, 2)}\n`);
}

/**
 * @param {string} root
 * @param {Target} target
 * @returns {Stamp | null} null when missing, unreadable or from another stamp version
 */
export function readStamp(root, target) {
  try {
    const stamp = /** @type {Stamp} */ (JSON.parse(readFileSync(join(root, STAMP_FILES[target]), 'utf8')));
    return stamp.version === STAMP_VERSION && typeof stamp.inputs === 'object' && stamp.inputs !== null ? stamp : null;
  } catch {
    return null;
  }
}

/**
 * The bundled modules that are project files: absolute module ids inside root, outside
 * node_modules (the lockfile covers those), without Vite's virtual `\0` ids or query strings.
 *
 * @param {string} root
 * @param {Iterable<string>} moduleIds
 * @returns {string[]}
 */
export function recordModules(root, moduleIds) {
  const files = new Set();
  for (const id of moduleIds) {
    const path = id.split('?')[0] ?? '';
    if (path.startsWith('\0') || path.includes(`${sep}node_modules${sep}`)) continue;
    const rel = relative(root, path);
    if (rel.startsWith('..') || rel === '' || !existsSync(path)) continue;
    files.add(rel.split(sep).join('/'));
  }
  return [...files].sort();
}

/**
 * @param {string} root
 * @param {string} dir relative to root
 * @returns {string[]}
 */
function listFiles(root, dir) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .sort()
    .flatMap((name) => {
      const rel = `${dir}/${name}`;
      return statSync(join(root, rel)).isDirectory() ? listFiles(root, rel) : [rel];
    });
}
