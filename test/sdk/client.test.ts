import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, SwitchboardApiError, SwitchboardClientError, type SwitchboardClient } from '../../src/sdk/index.js';
import { agentToken, TOKENS } from '../support/api-harness.js';
import { startListeningHarness, type ListeningHarness } from './listening-harness.js';

/** The SDK over real HTTP against the real app (SQLite, fake clock): round trips and the error surface. */
describe('SDK client', () => {
  let h: ListeningHarness;
  let admin: SwitchboardClient;
  beforeEach(async () => {
    h = await startListeningHarness({ anonymousRole: 'none', tokenAdmin: true });
    admin = createClient({ url: h.url, token: TOKENS.admin });
  });
  afterEach(() => h.close());

  /** Registers `bot` and returns a client holding bot's own agent token. */
  async function agentClient(): Promise<SwitchboardClient> {
    await admin.agents.register({ id: 'bot', name: 'Bot', capabilities: ['typescript'] });
    return createClient({ url: h.url, token: agentToken('bot') });
  }

  it('creates, lists, claims and completes a task, with the lease token as X-Lease-Token', async () => {
    const { task: created } = await admin.tasks.create({ title: 'Write the SDK', priority: 'P1', requiredCapabilities: ['typescript'] });
    expect(created).toMatchObject({ title: 'Write the SDK', status: 'PENDING', priority: 'P1' });

    const page = await admin.tasks.list({ status: 'PENDING' });
    expect(page.tasks.map((t) => t.id)).toEqual([created.id]);
    expect(page.total).toBe(1);

    const bot = await agentClient();
    const { task: claimed } = await bot.agents.claim('bot', { waitMs: 0 });
    expect(claimed).toMatchObject({ id: created.id, status: 'IN_PROGRESS', agent: 'bot' });
    const leaseToken = claimed?.leaseToken ?? -1;

    await bot.tasks.progress(created.id, { progress: 40 }, { leaseToken });
    const { task: done } = await bot.tasks.complete(created.id, { result: { pr: 7 } }, { leaseToken });
    expect(done).toMatchObject({ status: 'COMPLETED', result: { pr: 7 } });

    const timeline = await admin.tasks.events(created.id);
    expect(timeline.events.map((e) => e.type)).toEqual([
      'task.created',
      'task.assigned',
      'task.started',
      'task.progressed',
      'task.completed',
    ]);
    const { metrics } = await admin.tasks.metrics();
    expect(metrics.completedTasks).toBe(1);
  });

  it('an Idempotency-Key makes a repeated create return the first task', async () => {
    const first = await admin.tasks.create({ title: 'Once' }, { idempotencyKey: 'key-1' });
    const again = await admin.tasks.create({ title: 'Once' }, { idempotencyKey: 'key-1' });
    expect(again.task.id).toBe(first.task.id);
    expect((await admin.tasks.list()).count).toBe(1);
  });

  it('a 404 surfaces as SwitchboardApiError with the server code, status and details', async () => {
    const err = await admin.tasks.get('TASK-999').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchboardApiError);
    expect(err).toMatchObject({ code: 'TASK_NOT_FOUND', status: 404, message: 'Task not found', details: { taskId: 'TASK-999' } });
  });

  it('a 409 surfaces with its code: a transition the state machine refuses, and a late report on a lost lease', async () => {
    const { task } = await admin.tasks.create({ title: 'Twice', requiredCapabilities: ['typescript'] });
    const bot = await agentClient();
    const claimed = (await bot.agents.claim('bot')).task;
    const leaseToken = claimed?.leaseToken ?? -1;

    const stale = await bot.tasks.complete(task.id, {}, { leaseToken: leaseToken + 1 }).catch((e: unknown) => e);
    expect(stale).toMatchObject({ name: 'SwitchboardApiError', code: 'STALE_LEASE', status: 409 });

    await bot.tasks.complete(task.id, {}, { leaseToken });
    const again = await bot.tasks.complete(task.id, {}, { leaseToken }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(SwitchboardApiError);
    expect(again).toMatchObject({ code: 'TASK_INVALID_TRANSITION', status: 409 });
  });

  it('a 400 carries the offending field in details; a missing token is UNAUTHENTICATED', async () => {
    // Cast: the compile-time types would refuse this body, which is the point of sending it.
    const invalid = await admin.tasks.create({ title: 'x', priority: 'P9' as 'P0' }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, details: { field: '/priority' } });
    const anonymous = await createClient({ url: h.url })
      .agents.list()
      .catch((e: unknown) => e);
    expect(anonymous).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it('agents, tokens, the event log and health answer through their resources', async () => {
    await admin.agents.register({ id: 'bot', name: 'Bot', capabilities: ['go'] });
    expect((await admin.agents.setStatus('bot', 'PAUSED')).agent.status).toBe('PAUSED');
    expect((await admin.agents.update('bot', { maxConcurrentTasks: 3 })).agent.maxConcurrentTasks).toBe(3);
    expect((await admin.agents.list()).agents.map((a) => a.id)).toEqual(['bot']);

    const issued = await admin.tokens.create({ label: 'ci', role: 'viewer' });
    expect(issued.secret).not.toBe('');
    expect((await admin.tokens.list()).tokens.map((t) => t.label)).toContain('ci');
    expect((await admin.tokens.revoke(issued.token.id)).revoked).toBe(true);

    const log = await admin.events.list({ order: 'asc', type: 'agent.registered' });
    expect(log.events.map((e) => e.type)).toEqual(['agent.registered']);
    expect((await admin.agents.remove('bot')).requeued).toEqual([]);
    expect((await admin.health()).status).toBe('healthy');
  });

  it('whoami answers the token’s principal and its bound agent (null for a non-agent token)', async () => {
    expect(await admin.whoami()).toEqual({
      success: true,
      principal: { subject: 'token:admin', role: 'admin', agentId: null, tokenId: 'admin' },
      agent: null,
    });
    const bot = await agentClient();
    const me = await bot.whoami();
    expect(me.principal).toMatchObject({ role: 'agent', agentId: 'bot' });
    expect(me.agent).toMatchObject({ id: 'bot', name: 'Bot', capabilities: ['typescript'] });
    const anonymous = await createClient({ url: h.url })
      .whoami()
      .catch((e: unknown) => e);
    expect(anonymous).toMatchObject({ name: 'SwitchboardApiError', code: 'UNAUTHENTICATED', status: 401 });
  });

  it('a server that cannot be reached is the SDK’s own NETWORK error, not a server code', async () => {
    const url = h.url;
    await h.app.close();
    const err = await createClient({ url })
      .health()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchboardClientError);
    expect(err).toMatchObject({ code: 'NETWORK', status: null });
    expect(err).not.toBeInstanceOf(SwitchboardApiError);
  });
});
