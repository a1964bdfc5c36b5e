import type { AttemptUsage, AttemptView } from '../../sdk/index.js';
import type { Style } from '../output/style.js';
import type { Column } from '../output/table.js';
import { duration, NONE, orNone, time } from '../output/values.js';

/** The attempts table of `task show`: who ran it, how it ended, and what it cost (usage as the runner reported it). */
export function attemptColumns(style: Style): Column<AttemptView>[] {
  return [
    { header: '#', value: (a) => String(a.number), align: 'right' },
    { header: 'AGENT', value: (a) => orNone(a.agentId) },
    { header: 'STARTED', value: (a) => time(a.startedAt) },
    { header: 'TOOK', value: took, align: 'right' },
    { header: 'OUTCOME', value: (a) => a.outcome, paint: (cell, a) => outcomePaint(style, a)(cell) },
    { header: 'TOKENS IN/OUT', value: (a) => tokens(a.usage), align: 'right' },
    { header: 'COST', value: (a) => (a.usage?.costUsd === undefined ? NONE : `$${a.usage.costUsd.toFixed(4)}`), align: 'right' },
    { header: 'TURNS', value: (a) => orNone(a.usage?.turns), align: 'right' },
    { header: 'MODEL', value: (a) => orNone(a.usage?.model), maxWidth: 24 },
    { header: 'REASON', value: (a) => orNone(a.reason), maxWidth: 60 },
  ];
}

/** The runner's own measure when it sent one, else the time between the attempt's events. */
function took(a: AttemptView): string {
  if (a.usage?.durationMs !== undefined) return duration(a.usage.durationMs);
  return a.endedAt === null ? NONE : duration(Date.parse(a.endedAt) - Date.parse(a.startedAt));
}

function tokens(usage: AttemptUsage | null): string {
  if (usage === null || (usage.inputTokens === undefined && usage.outputTokens === undefined)) return NONE;
  const cached = usage.cachedTokens === undefined || usage.cachedTokens === 0 ? '' : ` (${usage.cachedTokens} cached)`;
  return `${usage.inputTokens ?? 0}/${usage.outputTokens ?? 0}${cached}`;
}

function outcomePaint(style: Style, a: AttemptView): (text: string) => string {
  switch (a.outcome) {
    case 'completed':
      return style.green;
    case 'failed':
      return style.red;
    case 'running':
      return style.cyan;
    default:
      return style.yellow;
  }
}
