import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';
import { quoteIdent } from './sql.js';

/** How long the reachability probe waits before PostgreSQL counts as absent. */
const PG_PROBE_TIMEOUT_MS = 2_000;

/**
 * The database the PostgreSQL tests use. A test helper, so it reads the environment
 * directly (the config rule covers application code, not the test harness).
 */
export function pgTestUrl(): string {
  return process.env.SWITCHBOARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** CI sets SWITCHBOARD_REQUIRE_PG=1 so a missing database fails the run instead of skipping it. */
export function pgRequired(): boolean {
  return process.env.SWITCHBOARD_REQUIRE_PG === '1';
}

/** True when a connection to {@link pgTestUrl} succeeds within two seconds. */
export async function pgAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: pgTestUrl(), connectionTimeoutMillis: PG_PROBE_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * `describe` for suites that need PostgreSQL. Laptops without a server skip with a
 * warning; CI (SWITCHBOARD_REQUIRE_PG=1) fails loudly rather than going green on nothing.
 * Probing is async, so call it with top-level await: `await describePg('...', () => {...})`.
 */
export async function describePg(name: string, fn: () => void): Promise<void> {
  const url = pgTestUrl();
  if (await pgAvailable()) {
    describe(name, fn);
    return;
  }
  if (pgRequired()) {
    describe(name, () => {
      it('connects to PostgreSQL', () => {
        throw new Error(`PostgreSQL is required (SWITCHBOARD_REQUIRE_PG=1) but unreachable at ${url}`);
      });
    });
    return;
  }
  console.warn(`[switchboard] PostgreSQL not reachable at ${url}: skipping ${name} (set SWITCHBOARD_REQUIRE_PG=1 to make it mandatory)`);
  // Skipped only where the dependency is absent and not required; the warning above says so, and CI requires it.
  describe.skip(name, fn);
}

/** A schema name no other test file uses; the store's `migrate()` creates it. */
export interface TestSchema {
  schema: string;
  /**
   * Empties every table but `schema_migrations` and restarts every sequence, so the next
   * test starts as on a fresh schema. DELETE, not TRUNCATE: on tiny tables it is about ten
   * times faster. Call it after `migrate()`.
   */
  reset(): Promise<void>;
  /** Drops the schema and everything in it (CASCADE) and closes the helper's connection. */
  dropSchema(): Promise<void>;
}

/** A fresh, unique schema (`sb_test_<random>`) so test files never see each other's rows. */
export function createTestSchema(): TestSchema {
  const schema = `sb_test_${randomBytes(6).toString('hex')}`;
  let admin: Promise<pg.Client> | null = null;
  const connection = (): Promise<pg.Client> => {
    admin ??= (async () => {
      const client = new pg.Client({ connectionString: pgTestUrl(), connectionTimeoutMillis: PG_PROBE_TIMEOUT_MS });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    })();
    return admin;
  };
  return {
    schema,
    async reset(): Promise<void> {
      const client = await connection();
      // $1 = schema. Table and sequence names come from the catalogue, quoted.
      const tables = await client.query<{ name: string }>(
        `SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 AND tablename <> 'schema_migrations'`,
        [schema],
      );
      const sequences = await client.query<{ name: string }>('SELECT sequencename AS name FROM pg_sequences WHERE schemaname = $1', [
        schema,
      ]);
      const q = (name: string): string => `${quoteIdent(schema)}.${quoteIdent(name)}`;
      // One TRUNCATE for every table: task_logs references tasks, and a single statement empties both whatever the order.
      const statements = [
        ...(tables.rows.length > 0 ? [`TRUNCATE ${tables.rows.map((t) => q(t.name)).join(', ')}`] : []),
        ...sequences.rows.map((sq) => `ALTER SEQUENCE ${q(sq.name)} RESTART`),
      ];
      if (statements.length > 0) await client.query(statements.join('; '));
    },
    async dropSchema(): Promise<void> {
      const client = await connection();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      } finally {
        admin = null;
        await client.end();
      }
    },
  };
}
