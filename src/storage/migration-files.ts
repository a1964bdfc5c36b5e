import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
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
 * runnable by hand) and are read from beside this module: `src/storage/<dialect>/migrations`
 * under tsx or vitest, and the copy the server build puts in `dist/src/storage/<dialect>/migrations`
 * when running compiled (`tsc` copies no `.sql`; scripts/build.mjs does), so an installed
 * package holding only `dist/` migrates its store.
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

/** The directory holding a dialect's migrations, beside this module whether it runs from `src/` or from `dist/src/`. */
export function migrationsDir(dialect: MigrationDialect): string {
  const dir = join(dirname(fileURLToPath(import.meta.url)), dialect, 'migrations');
  if (existsSync(dir) && statSync(dir).isDirectory()) return dir;
  throw new Error(
    `No ${dialect} migrations directory at ${dir}${dir.includes(`${sep}dist${sep}`) ? ' (the build copies it: npm run build)' : ''}`,
  );
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
