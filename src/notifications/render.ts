import type { OutgoingNotification } from './types.js';

/** A notification as people read it: Slack and email render the same facts, each in its own markup. */
export interface RenderedNotification {
  /** One line: the email subject, the Slack header and the notification's fallback text. */
  title: string;
  text: string;
  html: string;
  /** Slack Block Kit blocks (header, what happened, the facts, a button to the task). */
  slackBlocks: unknown[];
}

/** What every renderer draws from: a headline, the sentence that says what happened, labelled facts, the link. */
interface Message {
  title: string;
  summary: string;
  facts: Array<{ label: string; value: string }>;
  link: string | null;
}

/** Slack refuses a header over 150 characters and a text object over 3000; a failure reason can be longer. */
const SLACK_HEADER_MAX = 150;
const SLACK_TEXT_MAX = 3000;

/**
 * Turns the dispatcher's notification into the words a person on call wants: what happened,
 * which task (title, id, priority), its SLA state, the agent, and a link to the dashboard.
 * Pure: "how late" is measured from the event's own timestamp, so a retried delivery reads the same.
 */
export function renderNotification(n: OutgoingNotification): RenderedNotification {
  const message = describe(n);
  return { title: message.title, text: renderText(message), html: renderHtml(message), slackBlocks: renderSlack(message) };
}

function describe(n: OutgoingNotification): Message {
  const event = n.data.event;
  const payload = record(event['payload']);
  const task = n.data.task;
  const agent = n.data.agent;
  const taskTitle = task === null ? null : (str(task['title']) ?? str(task['name']) ?? str(task['id']));
  const agentName = agent === null ? null : (str(agent['name']) ?? str(agent['id']));
  const subject = taskTitle ?? agentName ?? '';
  const { headline, summary } = whatHappened(n.type, payload, { taskTitle, agentName });
  return {
    title: subject === '' || headline.includes(subject) ? headline : `${headline}: ${subject}`,
    summary,
    facts: [...taskFacts(task, n.timestamp), ...agentFacts(task, agent)],
    link: n.dashboardUrl,
  };
}

interface Names {
  taskTitle: string | null;
  agentName: string | null;
}

/** Human words per event type; an event type this build does not know still reads as a sentence. */
function whatHappened(type: string, p: Record<string, unknown>, names: Names): { headline: string; summary: string } {
  const task = names.taskTitle === null ? 'The task' : `"${names.taskTitle}"`;
  const agent = names.agentName === null ? 'An agent' : `Agent ${names.agentName}`;
  switch (type) {
    case 'task.sla_warning':
      return { headline: 'SLA warning', summary: `${task} is close to its SLA deadline${deadlineClause(p)}.` };
    case 'task.sla_violated':
      return { headline: 'SLA violated', summary: `${task} missed its SLA deadline${deadlineClause(p)}.` };
    case 'task.failed': {
      const reason = str(p['reason']) ?? 'no reason given';
      const attempts = num(p['attempts']);
      const after = attempts === null ? '' : ` after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
      const retry = p['final'] === false ? ` It will be retried${at(p['retryAt'])}.` : ' It will not be retried.';
      return { headline: 'Task failed', summary: `${task} failed${after}: ${reason}.${retry}` };
    }
    case 'agent.offline':
      return { headline: `${agent} went offline`, summary: `${agent} went offline: ${str(p['reason']) ?? 'no reason given'}.` };
    case 'agent.overloaded': {
      const load = num(p['load']);
      const max = num(p['maxConcurrentTasks']);
      const detail = load === null || max === null ? '' : ` (${load} tasks, limit ${max})`;
      return { headline: `${agent} is overloaded`, summary: `${agent} is carrying more work than it should${detail}.` };
    }
    case 'notification.failed': {
      const channel = str(p['channelName']) ?? str(p['channelId']) ?? 'a channel';
      const status = num(p['status']);
      const attempt = num(p['attempt']);
      const why = [status === null ? null : `status ${status}`, str(p['detail'])].filter((s) => s !== null).join(', ');
      const state = p['dead'] === true ? ' No more retries: it is dead-lettered.' : ' It will be retried.';
      const tries = attempt === null ? '' : ` (attempt ${attempt})`;
      return {
        headline: `Notification to ${channel} failed`,
        summary: `A notification to channel ${channel} failed${tries}${why === '' ? '' : `: ${why}`}.${state}`,
      };
    }
    case 'task.escalated':
      return { headline: 'Task escalated', summary: `${task} was escalated: ${escalationStep(p)}.` };
    case 'notification.test':
      return { headline: 'Test notification', summary: 'This is a test message from Switchboard: the channel works.' };
    default:
      return { headline: `Switchboard: ${type}`, summary: `Event ${type}${names.taskTitle === null ? '' : ` on ${task}`}.` };
  }
}

function escalationStep(p: Record<string, unknown>): string {
  const from = str(p['from']);
  const to = str(p['to']);
  switch (p['step']) {
    case 'priority_raised':
      return `priority raised from ${from ?? '?'} to ${to ?? '?'}`;
    case 'reassigned':
      return from === null ? `reassigned to ${to ?? 'another agent'}` : `reassigned from ${from} to ${to ?? 'another agent'}`;
    default:
      return str(p['step']) ?? 'escalation step taken';
  }
}

function deadlineClause(p: Record<string, unknown>): string {
  const deadline = time(p['deadline']);
  return deadline === null ? '' : ` (${utc(deadline)})`;
}

function at(value: unknown): string {
  const t = time(value);
  return t === null ? '' : ` at ${utc(t)}`;
}

function taskFacts(task: Record<string, unknown> | null, now: number): Message['facts'] {
  if (task === null) return [];
  const facts = [
    { label: 'Task', value: str(task['title']) ?? str(task['name']) ?? '' },
    { label: 'Task id', value: str(task['id']) ?? '' },
    { label: 'Priority', value: str(task['priority']) ?? '' },
    { label: 'Status', value: str(task['status']) ?? '' },
  ];
  const sla = slaFact(task, now);
  if (sla !== null) facts.push({ label: 'SLA', value: sla });
  return facts.filter((f) => f.value !== '');
}

/** "due 12:00 UTC, 5m left" or "due 12:00 UTC, 1h 3m late", measured at the event's time. */
function slaFact(task: Record<string, unknown>, now: number): string | null {
  const deadline = time(task['slaDeadline'] ?? task['sla']);
  if (deadline === null) return null;
  const delta = deadline - now;
  return `due ${utc(deadline)}, ${delta >= 0 ? `${formatSpan(delta)} left` : `${formatSpan(delta)} late`}`;
}

/** The agent the notification is about, or else the task's holder (the task view carries only its id). */
function agentFacts(task: Record<string, unknown> | null, agent: Record<string, unknown> | null): Message['facts'] {
  if (agent !== null) {
    const name = str(agent['name']) ?? str(agent['id']) ?? '';
    const id = str(agent['id']);
    const status = str(agent['status']);
    const value = [name, id !== null && id !== name ? `(${id})` : null, status === null ? null : `· ${status}`];
    return [{ label: 'Agent', value: value.filter((s) => s !== null).join(' ') }];
  }
  if (task === null) return [];
  return [{ label: 'Agent', value: str(task['agent']) ?? 'unassigned' }];
}

function renderText(m: Message): string {
  const lines = [m.title, '', m.summary, '', ...m.facts.map((f) => `${f.label}: ${f.value}`)];
  if (m.link !== null) lines.push('', `Open in the dashboard: ${m.link}`);
  return `${lines.join('\n')}\n`;
}

function renderHtml(m: Message): string {
  const rows = m.facts
    .map((f) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(f.label)}</th><td>${escapeHtml(f.value)}</td></tr>`)
    .join('');
  const link = m.link === null ? '' : `<p><a href="${escapeHtml(m.link)}">Open in the dashboard</a></p>`;
  return [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2>${escapeHtml(m.title)}</h2>`,
    `<p>${escapeHtml(m.summary)}</p>`,
    rows === '' ? '' : `<table>${rows}</table>`,
    link,
    '</body></html>',
  ].join('');
}

function renderSlack(m: Message): unknown[] {
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(m.title, SLACK_HEADER_MAX), emoji: false } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(escapeSlack(m.summary), SLACK_TEXT_MAX) } },
  ];
  if (m.facts.length > 0) {
    // A section holds at most 10 fields; we have at most 6.
    const fields = m.facts.map((f) => ({ type: 'mrkdwn', text: truncate(`*${escapeSlack(f.label)}*\n${escapeSlack(f.value)}`, 2000) }));
    blocks.push({ type: 'section', fields });
  }
  if (m.link !== null) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in the dashboard' }, url: m.link, action_id: 'open_task' }],
    });
  }
  return blocks;
}

/** Every character HTML gives a meaning to, so a task title can never become markup in someone's inbox. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Slack's mrkdwn treats only these three as control characters (links, mentions). */
function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** "45s", "12m", "3h 12m", "2d 4h": the two most significant units, as the dashboard writes spans. */
export function formatSpan(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE_MS) return `${Math.floor(abs / 1000)}s`;
  if (abs < HOUR_MS) return `${Math.floor(abs / MINUTE_MS)}m`;
  const [big, unit, small, smallUnit] = abs < DAY_MS ? [HOUR_MS, 'h', MINUTE_MS, 'm'] : [DAY_MS, 'd', HOUR_MS, 'h'];
  const rest = Math.floor((abs % big) / small);
  return `${Math.floor(abs / big)}${unit}${rest > 0 ? ` ${rest}${smallUnit}` : ''}`;
}

/** "2026-12-01 14:05 UTC": the receiver's time zone is unknown, so say which one. */
function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** API views carry times as ISO strings; an event payload read from an older row may carry epoch ms. */
function time(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
