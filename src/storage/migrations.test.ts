import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MIGRATION_FILE_PATTERN, loadMigrations, migrationsDir, type MigrationDialect } from './migration-files.js';

const DIALECTS: readonly MigrationDialect[] = ['sqlite', 'postgres'];

/** Every file in a dialect's migrations folder (not only the .sql ones, so a stray file is caught). */
function filesOf(dialect: MigrationDialect): string[] {
  return readdirSync(migrationsDir(dialect)).sort();
}

describe('migrations', () => {
  it.each(DIALECTS.map((d) => [d]))('%s: every file is named NNNN_snake_name.sql, numbered 1, 2, 3 ... without gaps', (dialect) => {
    const files = filesOf(dialect);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(file).toMatch(MIGRATION_FILE_PATTERN);
    const versions = loadMigrations(dialect).map((m) => m.version);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
  });

  it('sqlite and postgres have the same versions with the same names', () => {
    const [sqlite, postgres] = DIALECTS.map((d) => loadMigrations(d).map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`));
    expect(postgres).toEqual(sqlite);
  });

  it('no migration is empty', () => {
    for (const dialect of DIALECTS) {
      for (const m of loadMigrations(dialect)) expect(m.sql.trim().length, `${dialect} ${m.version}_${m.name}`).toBeGreaterThan(0);
    }
  });
});
