import { checkAppliedMigrations, loadMigrations, type MigrationDialect, type MigrationFile } from './migration-files.js';

/** What one dialect offers the runner, inside the transaction that holds the migration lock. */
export interface MigrationSession {
  /** Runs a script of one or more statements without parameters (a migration file, the bookkeeping DDL). */
  exec(sql: string): Promise<void>;
  /** The `schema_migrations` rows, as version and name. */
  applied(): Promise<Array<{ version: number; name: string }>>;
  /** Records one applied migration, `applied_at` from the database's clock (migrations run before any Clock exists). */
  record(migration: MigrationFile): Promise<void>;
}

/**
 * How a dialect runs `body` in one transaction that no other node's migration can run
 * beside: SQLite's `BEGIN IMMEDIATE` (the one write lock), PostgreSQL's transaction-scoped
 * advisory lock. It commits when `body` resolves and rolls back when it throws, so a second
 * node starting at the same moment waits, then finds everything applied.
 */
export type LockedTransaction = (body: (session: MigrationSession) => Promise<void>) => Promise<void>;

/**
 * Created by the runner rather than by a migration: it records the migrations. BIGINT has
 * INTEGER affinity in SQLite, so one statement serves both dialects.
 */
const CREATE_SCHEMA_MIGRATIONS =
  'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)';

/**
 * Applies the dialect's migrations not yet recorded in `schema_migrations`, in version
 * order, each recorded as it is applied, all in one locked transaction. Refuses to run
 * against a database whose recorded migrations do not match this build's files (a renamed
 * file, or a newer schema): the one migration procedure of both stores.
 */
export async function runMigrations(dialect: MigrationDialect, inLockedTransaction: LockedTransaction): Promise<void> {
  const files = loadMigrations(dialect);
  await inLockedTransaction(async (session) => {
    await session.exec(CREATE_SCHEMA_MIGRATIONS);
    const applied = new Map((await session.applied()).map((r) => [r.version, r.name]));
    checkAppliedMigrations(applied, files);
    for (const file of files) {
      if (applied.has(file.version)) continue;
      await session.exec(file.sql);
      await session.record(file);
    }
  });
}
