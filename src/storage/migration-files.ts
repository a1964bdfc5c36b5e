import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InternalError } from '../core/errors.js';

/** One numbered schema change, as read from `src/storage/<dialect>/migrations/NNNN_name.sql`. */
export interface MigrationFile {
  version: number;
  /** The snake_case part of the file name; stored with the version so a renamed file is noticed. */
  name: string;
  sql: string;
}

export type MigrationDialect = 'sqlite' | 'postgres';

/** `0001_init.sql`: four digits, an underscore, a snake_case name. Both dialects use the same numbers and names. */
export const MIGRATION_FILE_PATTERN = /^(\d{4})_([a-z0-9]+(?:_[a-z0-9]+)*)\.sql$/;

/**
 * Reads a dialect's migrations in version order. The files stay plain `.sql` (reviewable,
 * runnable by hand), and `tsc` does not copy them to `dist/`, so the directory is looked up
 * next to this module first (running from `src/` under tsx or vitest) and otherwise under the
 * project root's `src/storage/<dialect>/migrations` (running the compiled build).
 *
 * Throws when a `.sql` file is misnamed or two files share a version: a migration that is
 * silently skipped would leave nodes with different schemas.
 */
export function loadMigrations(dialect: MigrationDialect): MigrationFile[] {
  const dir = migrationsDir(dialect);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const seen = new Map<number, string>();
  const out: MigrationFile[] = [];
  for (const file of files) {
    const match = MIGRATION_FILE_PATTERN.exec(file);
    if (match === null || match[1] === undefined || match[2] === undefined) {
      throw new Error(`Migration file ${join(dir, file)} is not named NNNN_snake_name.sql`);
    }
    const version = Number(match[1]);
    const clash = seen.get(version);
    if (clash !== undefined) throw new Error(`Migrations ${clash} and ${file} share version ${version} in ${dir}`);
    seen.set(version, file);
    out.push({ version, name: match[2], sql: readFileSync(join(dir, file), 'utf8') });
  }
  return out.sort((a, b) => a.version - b.version);
}

/** The directory holding a dialect's migrations, whether this module runs from `src/` or from `dist/`. */
export function migrationsDir(dialect: MigrationDialect): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, dialect, 'migrations');
  if (isDirectory(beside)) return beside;
  const root = projectRoot(here);
  const inSource = root === null ? null : join(root, 'src', 'storage', dialect, 'migrations');
  if (inSource !== null && isDirectory(inSource)) return inSource;
  throw new Error(`No ${dialect} migrations directory found (looked in ${beside}${inSource === null ? '' : ` and ${inSource}`})`);
}

/** Walks up from `start` to the nearest directory holding a package.json. */
function projectRoot(start: string): string | null {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/**
 * Refuses to run on a schema this build does not know (a newer node migrated it) or whose
 * recorded names differ from the files (a migration was renamed): both stores, one rule.
 */
export function checkAppliedMigrations(applied: ReadonlyMap<number, string>, files: readonly MigrationFile[]): void {
  const known = new Map(files.map((f) => [f.version, f.name]));
  for (const [version, name] of applied) {
    const expected = known.get(version);
    if (expected === undefined) {
      throw new InternalError(
        `Database has migration ${version} (${name}) that this build does not know; refusing to run on a newer schema`,
      );
    }
    if (expected !== name) {
      throw new InternalError(
        `Migration ${version} is recorded as "${name}" but the file is "${expected}"; migrations must never be renamed`,
      );
    }
  }
}
