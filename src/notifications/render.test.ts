import { describe, expect, it } from 'vitest';
import { escapeHtml, formatSpan, renderNotification } from './render.js';
import type { OutgoingNotification } from './types.js';

const T0 = Date.parse('2026-12-01T12:00:00.000Z');

function task(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'tsk_1',
    title: 'Rotate the billing keys',
    priority: 'P0',
    status: 'IN_PROGRESS',
    agent: 'agt_7',
    slaDeadline: new Date(T0 - 5 * 60_000).toISOString(),
    ...overrides,
  };
}

function notification(
  type: string,
  payload: Record<string, unknown>,
  parts: Partial<OutgoingNotification['data']> = {},
): OutgoingNotification {
  return {
    id: 'msg_1',
    type,
    timestamp: T0,
    attempt: 1,
    data: {
      event: { id: 42, type, taskId: 'tsk_1', agentId: null, actor: 'system', at: new Date(T0).toISOString(), payload },
      task: task(),
      agent: null,
      ...parts,
    },
    dashboardUrl: 'https://sb.example/tasks/tsk_1',
  };
}

describe('renderNotification', () => {
  it('an SLA violation says what happened, the task, its priority, how late, the agent and the link', () => {
    const r = renderNotification(notification('task.sla_violated', { deadline: new Date(T0 - 5 * 60_000).toISOString() }));
    expect(r.title).toBe('SLA violated: Rotate the billing keys');
    expect(r.text).toContain('"Rotate the billing keys" missed its SLA deadline (2026-12-01 11:55 UTC).');
    expect(r.text).toContain('Task id: tsk_1');
    expect(r.text).toContain('Priority: P0');
    expect(r.text).toContain('SLA: due 2026-12-01 11:55 UTC, 5m late');
    expect(r.text).toContain('Agent: agt_7');
    expect(r.text).toContain('Open in the dashboard: https://sb.example/tasks/tsk_1');
    expect(r.html).toContain('<a href="https://sb.example/tasks/tsk_1">Open in the dashboard</a>');
  });

  it('an SLA warning says how much time is left', () => {
    const deadline = new Date(T0 + 90 * 60_000).toISOString();
    const r = renderNotification(notification('task.sla_warning', { deadline }, { task: task({ slaDeadline: deadline }) }));
    expect(r.title).toBe('SLA warning: Rotate the billing keys');
    expect(r.text).toContain('is close to its SLA deadline');
    expect(r.text).toContain('SLA: due 2026-12-01 13:30 UTC, 1h 30m left');
  });

  it('a failure carries its reason and whether it will be retried', () => {
    const retryAt = new Date(T0 + 60_000).toISOString();
    const again = renderNotification(notification('task.failed', { reason: 'exit code 2', attempts: 1, final: false, retryAt }));
    expect(again.title).toBe('Task failed: Rotate the billing keys');
    expect(again.text).toContain('failed after 1 attempt: exit code 2. It will be retried at 2026-12-01 12:01 UTC.');
    const final = renderNotification(notification('task.failed', { reason: 'out of budget', attempts: 3, final: true, retryAt: null }));
    expect(final.text).toContain('failed after 3 attempts: out of budget. It will not be retried.');
  });

  it('agent events name the agent and need no task', () => {
    const agent = { id: 'agt_7', name: 'claude-1', status: 'offline' };
    const offline = renderNotification(notification('agent.offline', { reason: 'missed 3 heartbeats' }, { task: null, agent }));
    expect(offline.title).toBe('Agent claude-1 went offline');
    expect(offline.text).toContain('Agent claude-1 went offline: missed 3 heartbeats.');
    expect(offline.text).toContain('Agent: claude-1 (agt_7) · offline');
    expect(offline.text).not.toContain('Task id');
    const overloaded = renderNotification(notification('agent.overloaded', { load: 5, maxConcurrentTasks: 3 }, { task: null, agent }));
    expect(overloaded.title).toBe('Agent claude-1 is overloaded');
    expect(overloaded.text).toContain('(5 tasks, limit 3)');
  });

  it('a failed notification names the channel, the status and whether it is dead-lettered', () => {
    const payload = {
      channelId: 'chn_1',
      channelName: 'ops',
      deliveryId: 'dlv_1',
      attempt: 8,
      status: 503,
      detail: 'Service Unavailable',
      dead: true,
    };
    const r = renderNotification(notification('notification.failed', payload));
    expect(r.title).toBe('Notification to ops failed: Rotate the billing keys');
    expect(r.text).toContain('failed (attempt 8): status 503, Service Unavailable. No more retries: it is dead-lettered.');
  });

  it('an escalation says which step was taken', () => {
    const raised = renderNotification(notification('task.escalated', { step: 'priority_raised', from: 'P1', to: 'P0' }));
    expect(raised.title).toBe('Task escalated: Rotate the billing keys');
    expect(raised.text).toContain('was escalated: priority raised from P1 to P0.');
    const moved = renderNotification(notification('task.escalated', { step: 'reassigned', from: 'agt_7', to: 'agt_9' }));
    expect(moved.text).toContain('reassigned from agt_7 to agt_9');
  });

  it('a type this build does not know still reads as a sentence', () => {
    const r = renderNotification(notification('task.promoted', { queueRank: 1 }));
    expect(r.title).toBe('Switchboard: task.promoted: Rotate the billing keys');
    expect(r.text).toContain('Event task.promoted on "Rotate the billing keys".');
  });

  it('escapes HTML everywhere a title or a reason lands, and Slack mrkdwn too', () => {
    const evil = '<script>alert("x")</script> & <@U123>';
    const n = notification('task.failed', { reason: evil, attempts: 1, final: true }, { task: task({ title: evil }) });
    n.dashboardUrl = 'https://sb.example/tasks/a"onmouseover="x';
    const r = renderNotification(n);
    expect(r.html).not.toContain('<script>');
    expect(r.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;@U123&gt;');
    expect(r.html).toContain('href="https://sb.example/tasks/a&quot;onmouseover=&quot;x"');
    const slack = JSON.stringify(r.slackBlocks.slice(1));
    expect(slack).not.toContain('<@U123>');
    expect(slack).toContain('&lt;@U123&gt;');
  });

  it('Slack blocks: a header, the summary, the facts as fields and a button to the task', () => {
    const r = renderNotification(notification('task.sla_violated', { deadline: new Date(T0).toISOString() }));
    const [header, summary, facts, actions] = r.slackBlocks as Array<Record<string, any>>;
    expect(header).toEqual({ type: 'header', text: { type: 'plain_text', text: r.title, emoji: false } });
    expect(summary?.['text']).toMatchObject({ type: 'mrkdwn' });
    expect(facts?.['fields']).toContainEqual({ type: 'mrkdwn', text: '*Priority*\nP0' });
    expect(actions?.['elements'][0]).toMatchObject({ type: 'button', url: 'https://sb.example/tasks/tsk_1' });
  });

  it('keeps within Slack limits and leaves the button out without a dashboard URL', () => {
    const n = notification('task.failed', { reason: 'x'.repeat(5000), final: true }, { task: task({ title: 't'.repeat(400) }) });
    n.dashboardUrl = null;
    const r = renderNotification(n);
    const [header, summary] = r.slackBlocks as Array<Record<string, any>>;
    expect(header?.['text'].text.length).toBeLessThanOrEqual(150);
    expect(summary?.['text'].text.length).toBeLessThanOrEqual(3000);
    expect(r.slackBlocks.some((b) => (b as { type: string }).type === 'actions')).toBe(false);
    expect(r.text).not.toContain('Open in the dashboard');
  });
});

describe('helpers', () => {
  it('formatSpan writes the two most significant units', () => {
    expect(formatSpan(45_000)).toBe('45s');
    expect(formatSpan(-12 * 60_000)).toBe('12m');
    expect(formatSpan(3 * 3_600_000 + 12 * 60_000)).toBe('3h 12m');
    expect(formatSpan(2 * 86_400_000 + 4 * 3_600_000)).toBe('2d 4h');
    expect(formatSpan(86_400_000)).toBe('1d');
  });

  it('escapeHtml covers the five characters HTML gives a meaning to', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
