import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the checkpointer copies committed WAL pages into the database file. */
export const CHECKPOINT_INTERVAL_MS = 200;

/**
 * The worker's whole program. It is evaluated from a string, not loaded from a file, so it
 * runs the same under tsx, vitest and the compiled build without a second entry point to
 * ship. PASSIVE never waits for the writer or the readers: it copies what it can and
 * leaves the rest for its next turn, so it can never stall a commit.
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try { checkpoint.get(); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  try { checkpoint.get(); } catch {}
  db.close();
  parentPort.postMessage({ stopped: true });
});
`;

/**
 * Moves WAL checkpoints off the commit path. SQLite's automatic checkpoint runs inside the
 * COMMIT that crosses 1,000 WAL pages: about 20 ms of fsyncs on the event loop every ~50
 * commits, 73% of all commit time when this was measured. Here a worker thread with its own
 * connection checkpoints every {@link CHECKPOINT_INTERVAL_MS}, and the writer's own
 * automatic checkpoint is turned off (by the store, once this has started).
 */
export class Checkpointer {
  readonly #worker: Worker;
  #stopped: Promise<void> | null = null;

  constructor(file: string, onError: (message: string) => void, intervalMs = CHECKPOINT_INTERVAL_MS) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, intervalMs } });
    // A checkpointer must never keep the process alive or take it down.
    this.#worker.unref();
    this.#worker.on('message', (m: { error?: string }) => {
      if (m.error !== undefined) onError(m.error);
    });
    this.#worker.on('error', (err) => onError(err.message));
  }

  /** Runs a last checkpoint and closes the worker's connection. */
  stop(): Promise<void> {
    this.#stopped ??= new Promise<void>((resolve) => {
      this.#worker.once('exit', () => resolve());
      this.#worker.on('message', (m: { stopped?: boolean }) => {
        if (m.stopped === true) void this.#worker.terminate();
      });
      this.#worker.postMessage('stop');
    });
    return this.#stopped;
  }
}
