import type { EventView } from '../../sdk/index.js';
import type { Style } from '../output/style.js';
import type { Column } from '../output/table.js';
import { orNone, time } from '../output/values.js';

/** How much of a payload's nested value (a task's result, a usage record) a table cell shows. */
const NESTED_CHARS_MAX = 80;

/** The columns of the event log (`switchboard events`); a task's timeline leaves out the task. */
export function eventColumns(style: Style, options: { task: boolean }): Column<EventView>[] {
  // The widths are the common ones (ids of a few digits, TASK-001, the longest type), so a live stream lines up.
  return [
    { header: 'ID', value: (e) => String(e.id), align: 'right', minWidth: 5 },
    { header: 'AT', value: (e) => time(e.at), minWidth: 20 },
    { header: 'TYPE', value: (e) => e.type, minWidth: 20, paint: (cell, e) => (e.type.startsWith('agent.') ? style.cyan(cell) : cell) },
    ...(options.task ? [{ header: 'TASK', value: (e: EventView) => orNone(e.taskId), minWidth: 8 }] : []),
    { header: 'AGENT', value: (e) => orNone(e.agentId), minWidth: 10 },
    { header: 'ACTOR', value: (e) => e.actor, minWidth: 10, maxWidth: 20 },
    { header: 'DETAIL', value: payloadSummary, maxWidth: 100 },
  ];
}

/**
 * An event's payload as `key=value` pairs, for a line in a table: scalars as they are, lists
 * joined, and the assignment decision as its chosen agent and score. The agent is its own
 * column, so it is left out here. `--json` has the payload whole.
 */
export function payloadSummary(event: EventView): string {
  return Object.entries(event.payload as Record<string, unknown>)
    .filter(([key, value]) => key !== 'agentId' && value !== null && value !== undefined)
    .map(([key, value]) => `${key}=${key === 'decision' ? decisionSummary(value) : valueText(value)}`)
    .join(' ');
}

function decisionSummary(value: unknown): string {
  const decision = value as { mode?: string; chosen?: { score?: number }; consideredCount?: number };
  return `${decision.mode ?? '?'}(score ${decision.chosen?.score?.toFixed(3) ?? '?'} of ${decision.consideredCount ?? '?'} considered)`;
}

function valueText(value: unknown): string {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.length === 0 ? '[]' : value.join(',');
  // A text with spaces is quoted, so where one value ends and the next key begins stays plain.
  if (typeof value === 'string') return /\s/.test(value) || value === '' ? JSON.stringify(value) : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = JSON.stringify(value);
  return text.length > NESTED_CHARS_MAX ? `${text.slice(0, NESTED_CHARS_MAX - 1)}…` : text;
}
