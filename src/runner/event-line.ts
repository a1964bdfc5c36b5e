import { assertNever } from '../core/errors.js';
import type { RunnerEvent } from './events.js';

/** Longest line sent to the server's task log (its limit per line); the rest is cut with a mark. */
export const LOG_LINE_MAX_CHARS = 8_192;

/** Longest tool input shown in a line: enough to recognise the call, not the whole file it writes. */
const TOOL_INPUT_MAX_CHARS = 200;

export type LogStream = 'stdout' | 'stderr' | 'system';

/**
 * One normalised event as a line of the task's log. The log reads the same whichever CLI ran:
 * assistant text as is, everything else tagged (`[tool] Bash started {...}`, `[usage] ...`).
 */
export function eventLine(event: RunnerEvent): { text: string; stream: LogStream } {
  const line = (text: string, stream: LogStream = 'stdout') => ({ text: clipLine(text), stream });
  switch (event.type) {
    case 'session':
      return line(`[session] ${event.sessionId}${event.model === null ? '' : ` (${event.model})`}`, 'system');
    case 'text':
      return line(event.text);
    case 'tool': {
      const input = event.input === undefined ? '' : ` ${clip(JSON.stringify(event.input) ?? '', TOOL_INPUT_MAX_CHARS)}`;
      return line(`[tool] ${event.name ?? event.id ?? 'tool'} ${event.status}${input}`);
    }
    case 'usage':
      return line(`[usage] ${usageText(event)}`, 'system');
    case 'quota':
      return line(`[quota] ${event.status}: ${event.message}${event.resetsAt === null ? '' : ` (resets ${event.resetsAt})`}`, 'system');
    case 'progress':
      return line(`[progress] ${event.percent}%`, 'system');
    case 'finished':
      return line(`[finished] ${event.ok ? 'ok' : 'not ok'}: ${event.reason}`, 'system');
    case 'log':
      return line(event.line, event.stream);
    default:
      return assertNever(event);
  }
}

/** Tokens and cost in a few characters, for the log and the live status line. */
export function usageText(usage: {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd?: number | undefined;
}): string {
  const cost = usage.costUsd === undefined ? '' : ` $${usage.costUsd.toFixed(4)}`;
  return `in ${usage.inputTokens} out ${usage.outputTokens} cached ${usage.cachedTokens}${cost}`;
}

/** Characters the server refuses to store (NUL, a lone UTF-16 half): one in a batch would lose the whole batch. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A line as the server's log takes it: storable characters only, at most {@link LOG_LINE_MAX_CHARS}. */
export function clipLine(text: string): string {
  return clip(text, LOG_LINE_MAX_CHARS);
}

function clip(text: string, max: number): string {
  // Clipping may cut a surrogate pair in two, so the clean-up runs after it.
  const cut = text.length <= max ? text : `${text.slice(0, max - 1)}…`;
  return cut.replace(UNSTORABLE, '\uFFFD');
}
