/**
 * Switchboard over HTTP: the real server (src/main.ts as a child, SQLite in a temp dir,
 * manual dispatch, LOG_LEVEL=warn) and its 50 agents spread over several child processes
 * (bench/peers/http-agents.ts), long-polling claim and completing over REST with the SDK.
 * Jobs are added from this process through the SDK (`tasks.create`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLAIM_WAIT_DEFAULT_MS, createClient } from '../../src/sdk/index.js';
import { startServer, terminate } from '../api-latency.js';
import { log, tempDir, type BenchContext } from '../support.js';
import type { OnDone, SystemUnderTest } from './method.js';
import { STOP_TITLE, parseTitle, priorityName, titleOf } from './switchboard.js';

const AGENT_PROCESS = fileURLToPath(new URL('./http-agents.ts', import.meta.url));
const READY_TIMEOUT_MS = 120_000;
const STOP_SLACK_MS = 10_000;

interface ChildTrouble {
  errors: number;
  firstError: string | null;
}

export async function openHttp(ctx: BenchContext, agents: number, processes: number): Promise<SystemUnderTest | { skipped: string }> {
  const { dir, remove } = tempDir(ctx.cleanup, 'peers-http');
  const server = await startServer(ctx, join(dir, 'peers.db'), { LOG_LEVEL: 'warn' });
  if ('skipped' in server) return server;
  const client = createClient({ url: server.base });
  const ids: string[] = [];
  for (let a = 0; a < agents; a++) {
    const { agent } = await client.agents.register({ id: `peer-agent-${a}`, name: `Peer agent ${a}`, maxConcurrentTasks: 1 });
    ids.push(agent.id);
  }
  const count = Math.max(1, Math.min(processes, agents));
  const children: ChildProcess[] = [];
  const stops: (() => Promise<void>)[] = [];
  const trouble: ChildTrouble = { errors: 0, firstError: null };
  let onDone: OnDone = () => undefined;
  const ready: Promise<void>[] = [];
  for (let p = 0; p < count; p++) {
    const mine = ids.filter((_, a) => a % count === p);
    const child = fork(AGENT_PROCESS, [JSON.stringify({ base: server.base, agentIds: mine })], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    children.push(child);
    stops.push(ctx.cleanup.defer(`stop agent process pid ${child.pid}`, () => terminate(child)));
    ready.push(
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('an agent process did not start in time')), READY_TIMEOUT_MS);
        child.once('exit', (code) => reject(new Error(`an agent process exited with ${code} before it was ready`)));
        child.on('message', (m: { type: string; items?: [string, number][]; errors?: number; firstError?: string | null }) => {
          if (m.type === 'ready') (clearTimeout(timer), resolve());
          else if (m.type === 'done')
            for (const [title, at] of m.items ?? []) {
              const job = parseTitle(title);
              if (job !== null) onDone(job.phase, job.i, at);
            }
          else if (m.type === 'stopped') {
            trouble.errors += m.errors ?? 0;
            trouble.firstError ??= m.firstError ?? null;
          }
        });
      }),
    );
  }
  log(`http: waiting for ${count} agent processes`);
  await Promise.all(ready);
  const exited = children.map((c) => new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : c.once('exit', () => resolve()))));
  return {
    add: async (job) => void (await client.tasks.create({ title: titleOf(job), priority: priorityName(job) })),
    async startWorkers(done) {
      onDone = done;
      for (const c of children) c.send({ type: 'start' });
    },
    async stopWorkers() {
      for (const c of children) c.send({ type: 'stop' });
      // Agents waiting in a long-poll see `stop` only after their claim returns: give each one a task.
      for (const _ of ids) await client.tasks.create({ title: STOP_TITLE, priority: 'P0' });
      const stopped = await Promise.race([
        Promise.all(exited).then(() => true),
        sleep(CLAIM_WAIT_DEFAULT_MS + STOP_SLACK_MS, undefined, { ref: false }).then(() => false),
      ]);
      if (!stopped) log('http: agent processes did not stop in time; killing them');
    },
    async close() {
      for (const stop of stops) await stop();
      await server.stop();
      await remove();
    },
    extras: () => ({ agents, agentProcesses: count, claimWaitMs: CLAIM_WAIT_DEFAULT_MS, server: server.base, ...trouble }),
  };
}
