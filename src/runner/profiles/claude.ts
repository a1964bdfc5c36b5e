import { USAGE_LIMIT_PATTERN, epochSecondsToIso, type QuotaStatus, type RunnerEvent } from '../events.js';
import { jsonLineParser, num, obj, optionalFlag, refuseUnsupportedOptions, str, type AgentProfile } from './profile.js';

/** Permission modes `claude --permission-mode` accepts. */
export const CLAUDE_PERMISSION_MODES = ['default', 'acceptEdits', 'plan', 'auto', 'dontAsk', 'bypassPermissions'] as const;

/**
 * Edits inside the attempt's own worktree are the job; anything else not pre-approved is
 * denied (print mode cannot ask), so the default lets the agent work without letting it loose.
 */
export const CLAUDE_PERMISSION_MODE_DEFAULT = 'acceptEdits';

const RESULT_REASONS: Record<string, string> = {
  error_max_turns: 'hit the turn limit (--max-turns)',
  error_max_budget_usd: 'hit the budget limit (--max-budget-usd)',
  error_during_execution: 'failed during execution',
};

/**
 * Claude Code in print mode: `claude -p --output-format stream-json --verbose ... -- <prompt>`.
 * The prompt comes last after `--` so neither a prompt starting with `-` nor a variadic extra
 * argument such as `--allowedTools A B` can swallow or reinterpret it.
 */
export const claudeProfile: AgentProfile = {
  name: 'claude',
  summary: 'Claude Code (`claude -p`, stream-json)',
  supportedOptions: ['model', 'mode', 'maxTurns', 'maxBudgetUsd', 'extraArgs'],
  modes: CLAUDE_PERMISSION_MODES,
  buildCommand({ prompt }, options) {
    refuseUnsupportedOptions(claudeProfile, options);
    return {
      command: 'claude',
      args: [
        '-p',
        '--output-format',
        'stream-json',
        '--verbose',
        ...optionalFlag('--model', options.model),
        ...optionalFlag('--max-turns', options.maxTurns),
        ...optionalFlag('--max-budget-usd', options.maxBudgetUsd),
        '--permission-mode',
        options.mode ?? CLAUDE_PERMISSION_MODE_DEFAULT,
        ...(options.extraArgs ?? []),
        '--',
        prompt,
      ],
      env: {},
    };
  },
  parseLine: jsonLineParser(parseClaudeEvent),
};

function parseClaudeEvent(event: Record<string, unknown>): RunnerEvent[] {
  switch (event.type) {
    case 'system':
      if (event.subtype !== 'init') return [];
      return [{ type: 'session', sessionId: str(event.session_id) ?? '', model: str(event.model) ?? null }];
    case 'assistant':
      return contentOf(event).flatMap((block): RunnerEvent[] => {
        if (block.type === 'text' && typeof block.text === 'string') return [{ type: 'text', text: block.text }];
        if (block.type === 'tool_use') {
          return [{ type: 'tool', id: str(block.id) ?? null, name: str(block.name) ?? null, input: block.input, status: 'started' }];
        }
        return [];
      });
    case 'user':
      return contentOf(event).flatMap((block): RunnerEvent[] =>
        block.type === 'tool_result'
          ? [{ type: 'tool', id: str(block.tool_use_id) ?? null, name: null, status: block.is_error === true ? 'failed' : 'succeeded' }]
          : [],
      );
    case 'rate_limit_event':
      return [rateLimitEvent(obj(event.rate_limit_info))];
    case 'result':
      return resultEvents(event);
    default:
      // stream_event deltas (only with --include-partial-messages) and future types: nothing to report.
      return [];
  }
}

function contentOf(event: Record<string, unknown>): Record<string, unknown>[] {
  const content = obj(event.message).content;
  return Array.isArray(content) ? content.map(obj) : [];
}

function rateLimitEvent(info: Record<string, unknown>): RunnerEvent {
  const raw = str(info.status) ?? 'allowed';
  const status: QuotaStatus = raw === 'rejected' ? 'rejected' : raw.startsWith('allowed_') ? 'warning' : 'allowed';
  const kind = str(info.rateLimitType) ?? 'usage';
  return { type: 'quota', status, resetsAt: epochSecondsToIso(info.resetsAt), message: `${kind} limit: ${raw}` };
}

function resultEvents(event: Record<string, unknown>): RunnerEvent[] {
  const usage = obj(event.usage);
  const cost = num(event.total_cost_usd) ?? num(event.cost_usd);
  const turns = num(event.num_turns);
  const durationMs = num(event.duration_ms);
  const events: RunnerEvent[] = [
    {
      type: 'usage',
      inputTokens: num(usage.input_tokens) ?? 0,
      outputTokens: num(usage.output_tokens) ?? 0,
      cachedTokens: num(usage.cache_read_input_tokens) ?? 0,
      ...(cost === undefined ? {} : { costUsd: cost }),
      ...(turns === undefined ? {} : { turns }),
      ...(durationMs === undefined ? {} : { durationMs }),
    },
  ];
  const subtype = str(event.subtype) ?? 'unknown';
  const text = str(event.result);
  // Classify on is_error, never on subtype: a usage limit arrives as is_error with subtype "success".
  if (event.is_error !== true && subtype === 'success') {
    events.push({ type: 'finished', ok: true, reason: 'success', ...(text === undefined ? {} : { result: text }) });
    return events;
  }
  if (text !== undefined && USAGE_LIMIT_PATTERN.test(text)) {
    events.push({ type: 'quota', status: 'rejected', resetsAt: null, message: text });
  }
  const known = RESULT_REASONS[subtype];
  const turnsNote = turns === undefined ? '' : ` after ${turns} turn${turns === 1 ? '' : 's'}`;
  const reason = known ? `${known}${turnsNote}` : `reported an error: ${text ?? subtype}`;
  events.push({ type: 'finished', ok: false, reason, ...(text === undefined ? {} : { result: text }) });
  return events;
}
