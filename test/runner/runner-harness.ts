import { createClient, type EventView, type SwitchboardClient, type TaskView } from '../../src/sdk/index.js';
import { prepareAgentRuns } from '../../src/runner/prepare.js';
import { startRunner, type AgentRun, type Runner } from '../../src/runner/run.js';
import type { AgentRunSettings } from '../../src/runner/runner-config.js';
import { plainDisplay } from '../../src/runner/status-display.js';
import { agentToken, TOKENS } from '../support/api-harness.js';
import { Inbox } from '../sdk/inbox.js';
import { startListeningHarness, type ListeningHarness } from '../sdk/listening-harness.js';
import { fakeEnvironment } from './fakes.js';

/** Short enough that a test's claims come back quickly after a stop; the server bounds the wait anyway. */
const CLAIM_WAIT_MS = 2_000;
/** The grace between SIGTERM and SIGKILL in tests: the fakes that ignore SIGTERM should not hold a test for 5 s. */
export const TEST_KILL_GRACE_MS = 300;

/** A runner started in this process against the harness, its plain display collected line by line. */
export interface TestRunner {
  runner: Runner;
  runs: AgentRun[];
  lines: Inbox<string>;
  /** Waits for a display line matching `pattern` and returns it. */
  line(pattern: RegExp, what: string): Promise<string>;
  stop(drainMs?: number): Promise<void>;
}

/** A real server (the app, real store, Socket.io) with an admin client and every domain event collected. */
export interface RunnerHarness {
  h: ListeningHarness;
  admin: SwitchboardClient;
  events: Inbox<EventView>;
  register(agentId: string, maxConcurrentTasks?: number): Promise<void>;
  create(title: string, fields?: Record<string, unknown>): Promise<TaskView>;
  /** Waits until the task's latest event is one of `types`; returns the task as it is then. */
  ended(taskId: string, types?: readonly string[]): Promise<TaskView>;
  start(
    agentId: string | readonly string[],
    settings: AgentRunSettings,
    options?: { maxTasks?: number; env?: Record<string, string> },
  ): Promise<TestRunner>;
  close(): Promise<void>;
}

const ENDINGS = ['task.completed', 'task.failed', 'task.requeued', 'task.cancelled'];

export async function startRunnerHarness(): Promise<RunnerHarness> {
  const h = await startListeningHarness({ anonymousRole: 'none' });
  const admin = createClient({ url: h.url, token: TOKENS.admin });
  const events = new Inbox<EventView>();
  await admin.events.subscribe({}, events.push).ready;
  const runners: TestRunner[] = [];
  return {
    h,
    admin,
    events,
    async register(agentId, maxConcurrentTasks = 1) {
      await admin.agents.register({ id: agentId, name: agentId, maxConcurrentTasks });
    },
    async create(title, fields = {}) {
      return (await admin.tasks.create({ title, maxAttempts: 1, ...fields })).task;
    },
    async ended(taskId, types = ENDINGS) {
      await events.until((items) => types.includes(items.filter((e) => e.taskId === taskId).at(-1)?.type ?? ''), `${taskId} to end`);
      return (await admin.tasks.get(taskId)).task;
    },
    async start(agentId, settings, options = {}) {
      const ids = typeof agentId === 'string' ? [agentId] : agentId;
      const entries = ids.map((id) => ({ id, token: agentToken(id), settings }));
      const prepared = await prepareAgentRuns(entries, { url: h.url, token: null }, fakeEnvironment(options.env));
      const runs = prepared.map((run) => ({ ...run, killGraceMs: TEST_KILL_GRACE_MS }));
      const lines = new Inbox<string>();
      let partial = '';
      const display = plainDisplay((text) => {
        const parts = (partial + text).split('\n');
        partial = parts.pop() ?? '';
        for (const part of parts) lines.push(part);
      });
      const runner = startRunner({
        agents: runs,
        environment: fakeEnvironment(options.env),
        display,
        claimWaitMs: CLAIM_WAIT_MS,
        ...(options.maxTasks === undefined ? {} : { maxTasks: options.maxTasks }),
      });
      const test: TestRunner = {
        runner,
        runs,
        lines,
        async line(pattern, what) {
          const found = await lines.until((items) => items.some((l) => pattern.test(l)), what);
          return found.find((l) => pattern.test(l))!;
        },
        async stop(drainMs = 0) {
          await runner.stop({ drainMs });
          for (const run of runs) run.client.close();
        },
      };
      runners.push(test);
      return test;
    },
    async close() {
      await Promise.all(runners.map((r) => r.stop()));
      admin.close();
      await h.close();
    },
  };
}
