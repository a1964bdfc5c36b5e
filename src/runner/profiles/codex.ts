import { USAGE_LIMIT_PATTERN, type RunnerEvent, type ToolStatus } from '../events.js';
import { jsonLineParser, num, obj, optionalFlag, refuseUnsupportedOptions, str, type AgentProfile } from './profile.js';

/** Sandboxes `codex exec -s` accepts. */
export const CODEX_SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const;

/** The attempt's worktree is the agent's to change; codex's own default (read-only) could not do the task. */
export const CODEX_SANDBOX_MODE_DEFAULT = 'workspace-write';

/**
 * Codex CLI: `codex exec --json -s <sandbox> [-m MODEL] ... -- <prompt>`. Codex has no turn or
 * budget flag, so `--max-turns` and `--max-budget-usd` are refused here rather than ignored:
 * the runner's own guards are the limit for codex.
 */
export const codexProfile: AgentProfile = {
  name: 'codex',
  summary: 'OpenAI Codex CLI (`codex exec --json`)',
  supportedOptions: ['model', 'mode', 'extraArgs'],
  modes: CODEX_SANDBOX_MODES,
  buildCommand({ prompt }, options) {
    refuseUnsupportedOptions(codexProfile, options);
    return {
      command: 'codex',
      args: [
        'exec',
        '--json',
        '-s',
        options.mode ?? CODEX_SANDBOX_MODE_DEFAULT,
        ...optionalFlag('-m', options.model),
        ...(options.extraArgs ?? []),
        '--',
        prompt,
      ],
      env: {},
    };
  },
  parseLine: jsonLineParser(parseCodexEvent),
};

function parseCodexEvent(event: Record<string, unknown>): RunnerEvent[] {
  switch (event.type) {
    case 'thread.started':
      return [{ type: 'session', sessionId: str(event.thread_id) ?? '', model: null }];
    case 'turn.completed': {
      const usage = obj(event.usage);
      return [
        {
          type: 'usage',
          inputTokens: num(usage.input_tokens) ?? 0,
          outputTokens: num(usage.output_tokens) ?? 0,
          cachedTokens: num(usage.cached_input_tokens) ?? 0,
          turns: 1,
        },
        // `exec` runs one turn: its completion is the final event. The answer is the last agent_message.
        { type: 'finished', ok: true, reason: 'turn completed' },
      ];
    }
    case 'turn.failed': {
      const message = str(obj(event.error).message) ?? 'turn failed';
      return [...limitEvents(message), { type: 'finished', ok: false, reason: `turn failed: ${message}` }];
    }
    case 'error': {
      // Fatal errors, but also "Reconnecting... 2/5": kept as log text unless it is a limit.
      const message = str(event.message) ?? '';
      return [...limitEvents(message), { type: 'log', stream: 'stdout', line: `codex error: ${message}` }];
    }
    case 'item.started':
    case 'item.updated':
    case 'item.completed':
      return itemEvents(String(event.type), obj(event.item));
    default:
      return [];
  }
}

/**
 * Codex words a limit only as text ("You've hit your usage limit... try again in 2 hours"):
 * a quota without a reset time, so the runner falls back on its cool-down.
 */
function limitEvents(message: string): RunnerEvent[] {
  return USAGE_LIMIT_PATTERN.test(message) ? [{ type: 'quota', status: 'rejected', resetsAt: null, message }] : [];
}

function itemEvents(phase: string, item: Record<string, unknown>): RunnerEvent[] {
  // Older releases call the field item_type.
  const kind = str(item.type) ?? str(item.item_type);
  const id = str(item.id) ?? null;
  const completed = phase === 'item.completed';
  switch (kind) {
    case 'agent_message':
      return completed && typeof item.text === 'string' ? [{ type: 'text', text: item.text }] : [];
    case 'command_execution': {
      if (phase === 'item.updated') return [];
      const exitCode = num(item.exit_code);
      const status: ToolStatus = !completed ? 'started' : item.status === 'failed' || (exitCode ?? 0) !== 0 ? 'failed' : 'succeeded';
      return [{ type: 'tool', id, name: 'command', input: { command: item.command }, status }];
    }
    case 'file_change':
    case 'mcp_tool_call':
    case 'web_search': {
      if (phase === 'item.updated') return [];
      const name = kind === 'mcp_tool_call' ? `${str(item.server) ?? 'mcp'}.${str(item.tool) ?? 'tool'}` : kind;
      const input = kind === 'file_change' ? { changes: item.changes } : kind === 'web_search' ? { query: item.query } : item.arguments;
      const status: ToolStatus = !completed ? 'started' : item.status === 'failed' ? 'failed' : 'succeeded';
      return [{ type: 'tool', id, name, input, status }];
    }
    case 'error':
      return completed ? [{ type: 'log', stream: 'stdout', line: `codex error: ${str(item.message) ?? ''}` }] : [];
    default:
      // reasoning and todo_list: the agent thinking aloud, not its answer.
      return [];
  }
}
