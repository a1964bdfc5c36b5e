import { USAGE_LIMIT_PATTERN, type RunnerEvent } from '../events.js';
import { jsonLineParser, num, obj, optionalFlag, refuseUnsupportedOptions, str, type AgentProfile } from './profile.js';

/** Approval modes `gemini --approval-mode` accepts. */
export const GEMINI_APPROVAL_MODES = ['default', 'auto_edit', 'yolo', 'plan'] as const;

/** Same stance as claude's default: edits in the worktree approved, the rest denied headless. */
export const GEMINI_APPROVAL_MODE_DEFAULT = 'auto_edit';

/** Gemini CLI's documented exit codes, named in outcome reasons. */
export const GEMINI_EXIT_MEANINGS: Readonly<Record<number, string>> = {
  1: 'general error or API failure',
  41: 'authentication failed',
  42: 'invalid input',
  52: 'configuration error',
  53: 'turn limit exceeded',
  54: 'fatal tool error',
  130: 'interrupted',
};

/**
 * Gemini CLI: `gemini --prompt=<prompt> -o stream-json --approval-mode <mode> [-m MODEL] ...`.
 * The prompt rides in `--prompt=` form because the CLI's parser would read a separate value
 * starting with `-` as a flag. Turn limits live in gemini's settings file, not on its command
 * line, so `--max-turns` and `--max-budget-usd` are refused.
 */
export const geminiProfile: AgentProfile = {
  name: 'gemini',
  summary: 'Google Gemini CLI (`gemini -p`, stream-json)',
  supportedOptions: ['model', 'mode', 'extraArgs'],
  modes: GEMINI_APPROVAL_MODES,
  exitMeanings: GEMINI_EXIT_MEANINGS,
  buildCommand({ prompt }, options) {
    refuseUnsupportedOptions(geminiProfile, options);
    return {
      command: 'gemini',
      args: [
        `--prompt=${prompt}`,
        '-o',
        'stream-json',
        '--approval-mode',
        options.mode ?? GEMINI_APPROVAL_MODE_DEFAULT,
        ...optionalFlag('-m', options.model),
        ...(options.extraArgs ?? []),
      ],
      env: {},
    };
  },
  parseLine: jsonLineParser(parseGeminiEvent),
};

function parseGeminiEvent(event: Record<string, unknown>): RunnerEvent[] {
  switch (event.type) {
    case 'init':
      return [{ type: 'session', sessionId: str(event.session_id) ?? '', model: str(event.model) ?? null }];
    case 'message':
      if (event.role !== 'assistant' || typeof event.content !== 'string') return [];
      return [{ type: 'text', text: event.content, ...(event.delta === true ? { delta: true as const } : {}) }];
    case 'tool_use':
      return [
        { type: 'tool', id: str(event.tool_id) ?? null, name: str(event.tool_name) ?? null, input: event.parameters, status: 'started' },
      ];
    case 'tool_result':
      return [{ type: 'tool', id: str(event.tool_id) ?? null, name: null, status: event.status === 'success' ? 'succeeded' : 'failed' }];
    case 'error': {
      const message = str(event.message) ?? '';
      return USAGE_LIMIT_PATTERN.test(message)
        ? [{ type: 'quota', status: 'rejected', resetsAt: null, message }]
        : [{ type: 'log', stream: 'stdout', line: `gemini ${str(event.severity) ?? 'error'}: ${message}` }];
    }
    case 'result':
      return resultEvents(event);
    default:
      return [];
  }
}

function resultEvents(event: Record<string, unknown>): RunnerEvent[] {
  const stats = obj(event.stats);
  const durationMs = num(stats.duration_ms);
  const events: RunnerEvent[] = [
    {
      type: 'usage',
      inputTokens: num(stats.input_tokens) ?? 0,
      outputTokens: num(stats.output_tokens) ?? 0,
      cachedTokens: num(stats.cached) ?? 0,
      ...(durationMs === undefined ? {} : { durationMs }),
    },
  ];
  if (event.status === 'success') {
    events.push({ type: 'finished', ok: true, reason: 'success' });
    return events;
  }
  const error = obj(event.error);
  const message = str(error.message) ?? str(event.error) ?? `status ${str(event.status) ?? 'unknown'}`;
  if (USAGE_LIMIT_PATTERN.test(message)) events.push({ type: 'quota', status: 'rejected', resetsAt: null, message });
  events.push({ type: 'finished', ok: false, reason: `reported an error: ${message}` });
  return events;
}
