/**
 * A child process hosting some of the bench's HTTP agents: each loops
 * `POST /api/agents/:id/claim` with the SDK's default long-poll, then completes what it got
 * over REST, through the SDK like a real agent. Started by http.ts with
 * `{ base, agentIds }` as its argument; talks to the parent over IPC:
 * - to the parent: `ready`, `done` (batches of [title, epoch ms after complete returned]), `stopped` (what went wrong);
 * - from the parent: `start`, then `stop` (each agent stops after its next claim returns).
 */
import { CLAIM_WAIT_DEFAULT_MS, createClient } from '../../src/sdk/index.js';
import { now } from './method.js';

interface Args {
  base: string;
  agentIds: string[];
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const client = createClient({ url: args.base });
const send = (message: unknown) => process.send?.(message);
const trouble = { errors: 0, firstError: null as string | null };
let stopping = false;
let pending: [string, number][] = [];
let flushQueued = false;

/** Completions go to the parent in one message per event-loop turn, not one per task. */
function report(title: string, at: number): void {
  pending.push([title, at]);
  if (flushQueued) return;
  flushQueued = true;
  setImmediate(() => {
    flushQueued = false;
    send({ type: 'done', items: pending });
    pending = [];
  });
}

async function agentLoop(agentId: string): Promise<void> {
  while (!stopping) {
    try {
      const { task } = await client.agents.claim(agentId, { waitMs: CLAIM_WAIT_DEFAULT_MS });
      if (task === null) continue;
      await client.tasks.complete(task.id, {}, { leaseToken: task.leaseToken });
      report(task.title, now());
    } catch (err) {
      trouble.errors++;
      trouble.firstError ??= err instanceof Error ? err.message : String(err);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

process.on('disconnect', () => process.exit(0));
process.on('message', (message: { type?: string }) => {
  if (message.type === 'start') {
    void Promise.all(args.agentIds.map(agentLoop)).then(() => {
      send({ type: 'done', items: pending });
      send({ type: 'stopped', ...trouble });
      process.disconnect();
    });
  } else if (message.type === 'stop') {
    stopping = true;
  }
});
send({ type: 'ready' });
