import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openClusterChannel, openStore } from './composition.js';
import { createTestSchema, describePg, pgTestUrl } from './storage/postgres/test-database.js';

/**
 * The capabilities a store declares are what the server decides by (the cluster channel, the
 * banner, the token command's wording), so each is checked against what the store does.
 * concurrentWriters is checked through the port by the conformance suite (transaction-cases.ts).
 */
const NO_ERRORS = (err: Error): never => {
  throw err;
};

describe('openStore with no DATABASE_URL', () => {
  it('opens SQLite: dialect sqlite writes a SQLite file, and with listenNotify false there is no cluster channel', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-caps-'));
    const dataFile = join(dir, 'caps.db');
    const store = await openStore({ databaseUrl: null, dataFile });
    try {
      await store.migrate();
      expect(store.capabilities).toEqual({ dialect: 'sqlite', listenNotify: false, concurrentWriters: false });
      expect(readFileSync(dataFile).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
      expect(openClusterChannel(store, { databaseUrl: null }, NO_ERRORS)).toBeNull();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

await describePg('openStore with DATABASE_URL', () => {
  it('opens PostgreSQL: dialect postgres migrates that database, and listenNotify carries a message from one node to another', async () => {
    const { schema, dropSchema } = createTestSchema();
    const url = new URL(pgTestUrl());
    url.searchParams.set('options', `-c search_path=${schema}`);
    const config = { databaseUrl: url.toString(), dataFile: join(tmpdir(), `never-created-${randomBytes(4).toString('hex')}.db`) };
    const admin = new pg.Client({ connectionString: pgTestUrl() });
    await admin.connect();
    // The schema must exist before a connection whose search_path names it migrates into it.
    await admin.query(`CREATE SCHEMA ${schema}`);
    const store = await openStore(config);
    const [sender, listener] = [openClusterChannel(store, config, NO_ERRORS), openClusterChannel(store, config, NO_ERRORS)];
    try {
      await store.migrate();
      expect(store.capabilities).toEqual({ dialect: 'postgres', listenNotify: true, concurrentWriters: true });
      // $1 = schema.
      const tables = await admin.query("SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'tasks'", [schema]);
      expect(tables.rowCount).toBe(1);
      expect(sender).not.toBeNull();
      expect(listener).not.toBeNull();
      const message = `caps-${randomBytes(6).toString('hex')}`;
      let hear: (m: string) => void = () => undefined;
      const heard = new Promise<string>((resolve) => {
        hear = resolve;
      });
      // Resolves once LISTEN has run. Other test files' nodes may announce on the same channel: wait for this message only.
      await listener?.subscribe((m) => {
        if (m === message) hear(m);
      });
      await sender?.publish(message);
      expect(await heard).toBe(message);
    } finally {
      await sender?.close();
      await listener?.close();
      await store.close();
      await admin.end();
      await dropSchema();
    }
  });
});
