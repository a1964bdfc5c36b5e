import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports.js';
import { openPostgresStore } from '../../src/storage/postgres/postgres-store.js';
import { createTestSchema, describePg, pgTestUrl } from '../../src/storage/postgres/test-database.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';

/**
 * SIGKILL while 50 transactions are in flight, grouped into shared commits: every unit the
 * writer saw settle (it printed the id only then) is in the store after the restart. A
 * unit settles only after its batch's COMMIT, so no acknowledged write can be lost with
 * the batch that was open when the process died.
 */
const FIXTURE = join(import.meta.dirname, 'fixtures', 'group-commit-writer.ts');
const ACKS_BEFORE_KILL = 400;

async function killMidStream(args: string[]): Promise<Set<string>> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acked = new Set<string>();
  let buffered = '';
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited with ${code ?? signal}`))));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('acked-')) acked.add(line);
      if (acked.size >= ACKS_BEFORE_KILL) child.kill('SIGKILL');
    });
  });
  return acked;
}

async function storedIds(store: Store): Promise<Set<string>> {
  await store.migrate();
  const ids = new Set((await store.agents.list()).map((a) => a.id));
  await store.close();
  return ids;
}

describe('SIGKILL in the middle of grouped commits (SQLite, synchronous=FULL)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-group-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every acknowledged unit', async () => {
    const file = join(dir, 'switchboard.db');
    const acked = await killMidStream(['sqlite', file]);
    const stored = await storedIds(openSqliteStore({ file }));
    expect([...acked].filter((id) => !stored.has(id))).toEqual([]);
    expect(stored.size).toBeGreaterThanOrEqual(acked.size);
  }, 60_000);
});

await describePg('SIGKILL in the middle of grouped commits (PostgreSQL)', () => {
  const schema = createTestSchema();
  afterAll(() => schema.dropSchema());

  it('keeps every acknowledged unit', async () => {
    const acked = await killMidStream(['postgres', pgTestUrl(), schema.schema]);
    const stored = await storedIds(await openPostgresStore({ connectionString: pgTestUrl(), schema: schema.schema }));
    expect([...acked].filter((id) => !stored.has(id))).toEqual([]);
    expect(stored.size).toBeGreaterThanOrEqual(acked.size);
  }, 60_000);
});
