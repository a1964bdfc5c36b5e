/**
 * The raw store limit: what the database alone allows for a lifecycle written the naive way,
 * one transaction per step: a bare INSERT, a claim UPDATE (the most urgent pending row) and
 * a complete UPDATE. No orchestration, no events. SQLite runs on a connection opened the way
 * Switchboard opens its own (same journal mode and synchronous level); PostgreSQL on a pool
 * as large as Switchboard's default (10) with 50 concurrent loops and prepared statements.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { openConnection } from '../../src/storage/sqlite/connection.js';
import { quoteIdent } from '../../src/storage/postgres/sql.js';
import { pgAdmin, round, tempDir, yieldToEventLoop, type Cleanup } from '../support.js';
import { now, priorityOf } from './method.js';

const PG_POOL = 10;
const PG_LOOPS = 50;
/** PRAGMA synchronous answers a number. */
const SYNCHRONOUS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

export interface RawResult {
  lifecyclesPerSec: number;
  lifecycles: number;
  seconds: number;
  /** How the connection was configured, read back from it. */
  settings: Record<string, unknown>;
}

export async function rawSqlite(cleanup: Cleanup, durationMs: number): Promise<RawResult> {
  const { dir, remove } = tempDir(cleanup, 'peers-raw');
  const db = openConnection(join(dir, 'raw.db'), 5_000);
  const closeDb = cleanup.defer('close raw sqlite', () => void db.close());
  try {
    db.exec(`CREATE TABLE raw (id INTEGER PRIMARY KEY, priority INTEGER NOT NULL, status TEXT NOT NULL, agent TEXT, title TEXT NOT NULL);
             CREATE INDEX raw_pending ON raw (priority, id) WHERE status = 'pending';`);
    const insert = db.prepare(`INSERT INTO raw (priority, status, title) VALUES (?, 'pending', ?)`);
    const claim = db.prepare(
      `UPDATE raw SET status = 'running', agent = ? WHERE id = (SELECT id FROM raw WHERE status = 'pending' ORDER BY priority, id LIMIT 1) RETURNING id`,
    );
    const complete = db.prepare(`UPDATE raw SET status = 'done' WHERE id = ?`);
    const step = <A extends unknown[], R>(fn: (...a: A) => R) => db.transaction(fn).immediate;
    const add = step((i: number) => insert.run(priorityOf(i), `raw ${i}`));
    const take = step(() => claim.get('raw-agent') as { id: number } | undefined);
    const finish = step((id: number) => complete.run(id));
    let n = 0;
    const start = now();
    while (now() - start < durationMs) {
      for (let k = 0; k < 100; k++, n++) {
        add(n);
        const row = take();
        if (row !== undefined) finish(row.id);
      }
      await yieldToEventLoop();
    }
    const seconds = (now() - start) / 1000;
    return {
      lifecyclesPerSec: round(n / seconds, 1),
      lifecycles: n,
      seconds: round(seconds, 2),
      settings: {
        journal_mode: db.pragma('journal_mode', { simple: true }),
        synchronous: SYNCHRONOUS[Number(db.pragma('synchronous', { simple: true }))] ?? 'unknown',
      },
    };
  } finally {
    await closeDb();
    await remove();
  }
}

export async function rawPostgres(cleanup: Cleanup, url: string, durationMs: number): Promise<RawResult> {
  const schema = `sb_raw_${randomBytes(5).toString('hex')}`;
  const drop = cleanup.defer(`drop schema ${schema}`, () =>
    pgAdmin(url, async (c) => void (await c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`))),
  );
  await pgAdmin(url, async (c) => {
    await c.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    await c.query(
      `CREATE TABLE ${quoteIdent(schema)}.raw (id BIGSERIAL PRIMARY KEY, priority INT NOT NULL, status TEXT NOT NULL, agent TEXT, title TEXT NOT NULL)`,
    );
    await c.query(`CREATE INDEX raw_pending ON ${quoteIdent(schema)}.raw (priority, id) WHERE status = 'pending'`);
  });
  const pool = new pg.Pool({ connectionString: url, max: PG_POOL, options: `-c search_path=${schema}` });
  pool.on('error', () => undefined);
  const end = cleanup.defer('end raw pg pool', () => pool.end());
  try {
    const synchronousCommit = (await pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]?.synchronous_commit;
    let n = 0;
    const start = now();
    await Promise.all(
      Array.from({ length: PG_LOOPS }, async (_, loop) => {
        while (now() - start < durationMs) {
          const i = n++;
          await pool.query({
            name: 'raw-insert',
            text: `INSERT INTO raw (priority, status, title) VALUES ($1, 'pending', $2)`,
            values: [priorityOf(i), `raw ${i}`],
          });
          const claimed = await pool.query<{ id: string }>({
            name: 'raw-claim',
            text: `UPDATE raw SET status = 'running', agent = $1 WHERE id = (SELECT id FROM raw WHERE status = 'pending' ORDER BY priority, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id`,
            values: [`raw-agent-${loop}`],
          });
          const id = claimed.rows[0]?.id;
          if (id !== undefined)
            await pool.query({ name: 'raw-complete', text: `UPDATE raw SET status = 'done' WHERE id = $1`, values: [id] });
        }
      }),
    );
    const seconds = (now() - start) / 1000;
    return {
      lifecyclesPerSec: round(n / seconds, 1),
      lifecycles: n,
      seconds: round(seconds, 2),
      settings: { pool: PG_POOL, loops: PG_LOOPS, synchronous_commit: synchronousCommit, preparedStatements: true },
    };
  } finally {
    await end();
    await drop();
  }
}
