import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { newTask } from '../core/factories.js';
import { DEFAULT_POLICY } from '../core/policy.js';
import { TIMER_KINDS } from '../core/ports.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { createTestSchema, describePg, pgTestUrl } from './postgres/test-database.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import { DUE_COLUMN, TASK_COLUMN_SPECS, TASK_FIELD_COLUMNS, taskColumnValues } from './task-fields.js';

const COLUMNS = TASK_COLUMN_SPECS.map((c) => c.column);
/** The columns that may hold SQL NULL: the `?` kinds (and, on PostgreSQL only, `result`, which the store never leaves NULL). */
const NULLABLE = TASK_COLUMN_SPECS.filter((c) => c.kind.endsWith('?')).map((c) => c.column);

describe('the task field table', () => {
  it('lists every Task field exactly once, and each column once', () => {
    const task = newTask({ title: 't' }, { seq: 1, now: 0, policy: DEFAULT_POLICY, blocked: false });
    expect(TASK_FIELD_COLUMNS.map((c) => c.field).sort()).toEqual(Object.keys(task).sort());
    expect(new Set(COLUMNS).size).toBe(COLUMNS.length);
    expect(TASK_COLUMN_SPECS[0]?.column).toBe('id');
  });

  it('derives one value per column, the due times in the columns DUE_COLUMN names', () => {
    const task = newTask({ title: 't' }, { seq: 1, now: 0, policy: DEFAULT_POLICY, blocked: false });
    const values = taskColumnValues(task);
    expect(values).toHaveLength(COLUMNS.length);
    for (const kind of TIMER_KINDS) expect(COLUMNS).toContain(DUE_COLUMN[kind]);
    expect(values[COLUMNS.indexOf(DUE_COLUMN.sla_violation)]).toBe(task.slaDeadline);
  });

  it('matches the SQLite tasks table: the same columns, NULL allowed exactly where the kind says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-fields-'));
    const file = join(dir, 'fields.db');
    const store = openSqliteStore({ file });
    try {
      await store.migrate();
      const db = new Database(file, { readonly: true });
      const info = db.prepare('PRAGMA table_info(tasks)').all() as Array<{ name: string; notnull: number; pk: number }>;
      db.close();
      expect(info.map((c) => c.name).sort()).toEqual([...COLUMNS].sort());
      // seq is the rowid (INTEGER PRIMARY KEY), which table_info reports as nullable.
      expect(
        info
          .filter((c) => c.notnull === 0 && c.pk === 0)
          .map((c) => c.name)
          .sort(),
      ).toEqual([...NULLABLE].sort());
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

await describePg('the task field table on PostgreSQL', () => {
  it('matches the tasks table: the same columns, NULL allowed where the kind says (and on result)', async () => {
    const { schema, dropSchema } = createTestSchema();
    const store = await openPostgresStore({ connectionString: pgTestUrl(), schema });
    const client = new pg.Client({ connectionString: pgTestUrl() });
    try {
      await store.migrate();
      await client.connect();
      // $1 = schema.
      const res = await client.query<{ name: string; nullable: string }>(
        `SELECT column_name AS name, is_nullable AS nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'tasks'`,
        [schema],
      );
      expect(res.rows.map((r) => r.name).sort()).toEqual([...COLUMNS].sort());
      expect(
        res.rows
          .filter((r) => r.nullable === 'YES')
          .map((r) => r.name)
          .sort(),
      ).toEqual([...NULLABLE, 'result'].sort());
    } finally {
      await client.end();
      await store.close();
      await dropSchema();
    }
  });
});
