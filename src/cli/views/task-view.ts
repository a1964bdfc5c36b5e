import type { AttemptView, EventView, RecommendationsResponse, TaskView } from '../../sdk/index.js';
import { statusColour, type Style } from '../output/style.js';
import { clean, renderFields, renderTable, type Column } from '../output/table.js';
import { list, orNone, time } from '../output/values.js';
import { attemptColumns } from './attempt-view.js';
import { eventColumns } from './event-view.js';

/** A title longer than this is cut in the task table; `task show` has it whole. */
const TITLE_CHARS_MAX = 60;
/** How much of a result `task show` prints; `--json` has it whole. */
const RESULT_CHARS_MAX = 2000;

type Candidate = RecommendationsResponse['candidates'][number];

/** The columns of `task list`. */
export function taskColumns(style: Style): Column<TaskView>[] {
  return [
    { header: 'ID', value: (t) => t.id },
    { header: 'STATUS', value: (t) => t.status, paint: (cell, t) => statusColour(style, t.status)(cell) },
    { header: 'PRI', value: (t) => t.priority, paint: (cell, t) => (t.priority === 'P0' ? style.red(cell) : cell) },
    { header: 'AGENT', value: (t) => orNone(t.agent) },
    { header: 'PROGRESS', value: (t) => `${Math.round(t.progress)}%`, align: 'right' },
    { header: 'TRIES', value: (t) => `${t.attempts}/${t.maxAttempts}`, align: 'right' },
    {
      header: 'SLA',
      value: (t) => time(t.slaDeadline),
      paint: (cell, t) => (t.slaViolated ? style.red(cell) : t.slaWarned ? style.yellow(cell) : cell),
    },
    { header: 'TITLE', value: (t) => t.title, maxWidth: TITLE_CHARS_MAX },
  ];
}

/** What `task show` gathers: the task, its attempts, its timeline, and for a waiting task who could take it now. */
export interface TaskDetail {
  task: TaskView;
  attempts: AttemptView[];
  timeline: EventView[];
  /** Asked only for a PENDING task (null otherwise): the candidates now, or why there are none. */
  recommendation: RecommendationsResponse | null;
}

/** `task show`: the fields, the assignment decision with its score terms (or who could take it now), the attempts with their usage, and the timeline. */
export function renderTaskDetail(detail: TaskDetail, style: Style): string {
  const { task } = detail;
  const sections = [
    `${style.bold(task.id)}  ${clean(task.title)}\n`,
    renderFields(taskFields(task, style), style.dim),
    decisionSection(detail, style),
    detail.attempts.length === 0
      ? ''
      : `${style.bold('Attempts')}\n${renderTable(attemptColumns(style), detail.attempts, { empty: '', header: style.dim })}`,
    `${style.bold('Timeline')}\n${renderTable(eventColumns(style, { task: false }), detail.timeline, { empty: 'No events.', header: style.dim })}`,
  ];
  return sections.filter((s) => s !== '').join('\n');
}

function taskFields(t: TaskView, style: Style): [string, string | null][] {
  const sla =
    t.slaDeadline === null
      ? null
      : `${time(t.slaDeadline)}${t.slaViolated ? style.red(' (violated)') : t.slaWarned ? style.yellow(' (warned)') : ''}`;
  return [
    ['Status', `${statusColour(style, t.status)(t.status)}${t.progress > 0 ? ` (${Math.round(t.progress)}%)` : ''}`],
    ['Priority', t.priority],
    ['Agent', t.agent],
    ['Attempts', `${t.attempts} of ${t.maxAttempts}`],
    ['Requires', list(t.requiredCapabilities)],
    ['Prefers', t.preferredCapabilities.length === 0 ? null : list(t.preferredCapabilities)],
    ['Labels', t.labels.length === 0 ? null : list(t.labels)],
    ['Depends on', t.dependsOn.length === 0 ? null : list(t.dependsOn)],
    ['SLA deadline', sla],
    ['Retry at', t.retryAt === null ? null : time(t.retryAt)],
    ['Excluded', t.excludedAgents.length === 0 ? null : list(t.excludedAgents)],
    ['Created', time(t.createdAt)],
    ['Assigned', t.assignedAt === null ? null : time(t.assignedAt)],
    ['Started', t.startedAt === null ? null : time(t.startedAt)],
    ['Completed', t.completedAt === null ? null : time(t.completedAt)],
    ['Failed', t.failedAt === null ? null : time(t.failedAt)],
    ['Cancelled', t.cancelledAt === null ? null : time(t.cancelledAt)],
    ['Failure', t.failureReason],
    ['Result', resultText(t.result)],
    ['Description', t.description === '' ? null : t.description],
  ];
}

/** The decision the task was assigned by, every score term shown; for a waiting task, who could take it now and why no one can. */
function decisionSection(detail: TaskDetail, style: Style): string {
  const { assignment } = detail.task;
  if (assignment !== null) {
    const head = `${style.bold('Assignment')}  ${assignment.mode}, ${time(assignment.decidedAt)}, ${assignment.consideredCount} considered\n`;
    const rows = [{ ...assignment.chosen, chosen: true }, ...assignment.runnersUp.map((c) => ({ ...c, chosen: false }))];
    return head + renderTable(candidateColumns(style), rows, { empty: '', header: style.dim });
  }
  const recommendation = detail.recommendation;
  if (recommendation === null) return '';
  const head = `${style.bold('Candidates now')}\n`;
  if (recommendation.candidates.length === 0)
    return `${head}No agent can take it: ${clean(recommendation.blockedBy ?? 'none is eligible')}\n`;
  return (
    head +
    renderTable(
      candidateColumns(style),
      recommendation.candidates.map((c) => ({ ...c, chosen: false })),
      { empty: '', header: style.dim },
    )
  );
}

function candidateColumns(style: Style): Column<Candidate & { chosen: boolean }>[] {
  const term = (header: string, pick: (c: Candidate) => number): Column<Candidate & { chosen: boolean }> => ({
    header,
    value: (c) => pick(c).toFixed(3),
    align: 'right',
  });
  return [
    { header: 'AGENT', value: (c) => c.agentId, paint: (cell, c) => (c.chosen ? style.green(cell) : cell) },
    { header: '', value: (c) => (c.chosen ? 'chosen' : '') },
    term('SCORE', (c) => c.score),
    term('PREFERRED', (c) => c.terms.capabilityFit),
    term('RELIABILITY', (c) => c.terms.reliability),
    term('CAPACITY', (c) => c.terms.spareCapacity),
    term('DEADLINE', (c) => c.terms.deadlineFit),
    term('RECENCY', (c) => c.terms.recency),
  ];
}

function resultText(result: unknown): string | null {
  if (result === null || result === undefined) return null;
  const text = typeof result === 'string' ? result : JSON.stringify(result, null, 2);
  return text.length > RESULT_CHARS_MAX ? `${text.slice(0, RESULT_CHARS_MAX)}… (${text.length} characters; --json has all)` : text;
}
