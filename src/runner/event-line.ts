import { assertNever } from '../core/errors.js';
import { storableLogText } from '../sdk/index.js';
import type { RunnerEvent } from './events.js';

/** Longest tool input shown in a line: enough to recognise the call, not the whole file it writes. */
const TOOL_INPUT_MAX_CHARS = 200;

export type LogStream = 'stdout' | 'stderr' | 'system';

/**
 * One normalised event as a line of the task's log. The log reads the same whichever CLI ran:
 * assistant text as is, everything else tagged (`[tool] Bash started {...}`, `[usage] ...`).
 */
export function eventLine(event: RunnerEvent): { text: string; stream: LogStream } {
  const line = (text: string, stream: LogStream = 'stdout') => ({ text: storableLogText(text), stream });
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
      return line(`[usage] ${usageText(event) || 'no tokens or cost reported'}`, 'system');
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

/** Tokens and cost in a few characters, for the log and the live status line; empty when nothing was spent or reported. */
export function usageText(usage: {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd?: number | undefined;
}): string {
  const tokens =
    usage.inputTokens + usage.outputTokens + usage.cachedTokens === 0
      ? ''
      : `in ${usage.inputTokens} out ${usage.outputTokens} cached ${usage.cachedTokens}`;
  const cost = usage.costUsd === undefined ? '' : `$${usage.costUsd.toFixed(4)}`;
  return [tokens, cost].filter((part) => part !== '').join(' ');
}

function clip(text: string, max: number): string {
  // Clipping may cut a surrogate pair in two: the caller makes the result storable.
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Streamed text held back at most this long before it is sent as a line anyway. */
const DELTA_BUFFER_MAX_CHARS = 8_192;

/**
 * Makes the event stream read well as a log: streamed text chunks (gemini's deltas, a few
 * words each) are joined into whole lines, sent when a newline arrives, when another kind of
 * event ends the message, or at the end; a tool result that names only its call id (claude,
 * gemini) gets the name of the call. Other events pass through untouched.
 */
export function readableEvents(): { push(event: RunnerEvent): RunnerEvent[]; end(): RunnerEvent[] } {
  let buffer = '';
  const toolNames = new Map<string, string>();
  const drain = (): RunnerEvent[] => {
    const text = buffer;
    buffer = '';
    return text === '' ? [] : [{ type: 'text', text }];
  };
  const named = (event: RunnerEvent): RunnerEvent => {
    if (event.type !== 'tool' || event.id === null) return event;
    if (event.name !== null) toolNames.set(event.id, event.name);
    return event.name === null && toolNames.has(event.id) ? { ...event, name: toolNames.get(event.id)! } : event;
  };
  return {
    push(event) {
      if (event.type !== 'text' || event.delta !== true) return [...drain(), named(event)];
      buffer += event.text;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      const whole = lines.map((text): RunnerEvent => ({ type: 'text', text }));
      return buffer.length >= DELTA_BUFFER_MAX_CHARS ? [...whole, ...drain()] : whole;
    },
    end: drain,
  };
}
