import type { RunnerEvent } from './events.js';
import { eventLine, usageText } from './event-line.js';

/** How often the live status redraws (elapsed times tick; bursts of events coalesce into one redraw). */
export const STATUS_REDRAW_MS = 500;

/** What the runner shows its operator; the task's full log goes to the server either way. */
export interface RunnerDisplay {
  started(task: { id: string; title: string }, agentId: string): void;
  event(taskId: string, event: RunnerEvent): void;
  /** The runner's own line about a task (its workspace, the spawned pid, the outcome's details). */
  system(taskId: string, text: string): void;
  ended(taskId: string, summary: string): void;
  /** A runner-level message (start, drain, errors). */
  note(text: string): void;
  close(): void;
}

/** Plain lines, one per event, each tagged with its task: for logs, CI and pipes. */
export function plainDisplay(write: (text: string) => void): RunnerDisplay {
  return {
    started: (task, agentId) => write(`${task.id} claimed by ${agentId}: ${task.title}\n`),
    event: (taskId, event) => write(`${taskId} ${eventLine(event).text}\n`),
    system: (taskId, text) => write(`${taskId} ${text}\n`),
    ended: (taskId, summary) => write(`${taskId} ${summary}\n`),
    note: (text) => write(`${text}\n`),
    close: () => undefined,
  };
}

interface Row {
  agentId: string;
  startedAt: number;
  last: string;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd: number | undefined;
}

/**
 * On a terminal: one line per running task (id, agent, elapsed, last event, tokens and cost),
 * redrawn in place under the lines that stay (claims, outcomes, notes). ANSI only: erase the
 * block, print what stays, draw the block again.
 */
export function liveStatusDisplay(write: (text: string) => void, columns: () => number): RunnerDisplay {
  const rows = new Map<string, Row>();
  let drawn = 0;
  const erase = () => {
    const text = '\x1b[1A\x1b[2K'.repeat(drawn);
    drawn = 0;
    return text;
  };
  const redraw = (permanent = '') => {
    const now = Date.now();
    const width = Math.max(20, columns() - 1);
    const lines = [...rows].map(([taskId, row]) => fit(statusLine(taskId, row, now), width));
    write(`${erase()}${permanent}${lines.map((line) => `${line}\n`).join('')}`);
    drawn = lines.length;
  };
  const timer = setInterval(() => rows.size > 0 && redraw(), STATUS_REDRAW_MS);
  timer.unref();
  return {
    started(task, agentId) {
      rows.set(task.id, {
        agentId,
        startedAt: Date.now(),
        last: 'starting',
        inputTokens: 0,
        outputTokens: 0,
        cachedTokens: 0,
        costUsd: undefined,
      });
      redraw(`${task.id} claimed by ${agentId}: ${task.title}\n`);
    },
    event(taskId, event) {
      const row = rows.get(taskId);
      if (row === undefined) return;
      if (event.type === 'usage') {
        row.inputTokens += event.inputTokens;
        row.outputTokens += event.outputTokens;
        row.cachedTokens += event.cachedTokens;
        if (event.costUsd !== undefined) row.costUsd = (row.costUsd ?? 0) + event.costUsd;
      } else {
        row.last = eventLine(event).text.replace(/\s+/g, ' ');
      }
    },
    system(taskId, text) {
      const row = rows.get(taskId);
      if (row !== undefined) row.last = text;
    },
    ended(taskId, summary) {
      rows.delete(taskId);
      redraw(`${taskId} ${summary}\n`);
    },
    note: (text) => redraw(`${text}\n`),
    close() {
      clearInterval(timer);
      write(erase());
    },
  };
}

function statusLine(taskId: string, row: Row, now: number): string {
  return [taskId, row.agentId, elapsed(now - row.startedAt), usageText(row), row.last].filter((part) => part !== '').join('  ');
}

function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
