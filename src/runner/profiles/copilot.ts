import { USAGE_LIMIT_PATTERN, type RunnerEvent } from '../events.js';
import { isObject, jsonLineParser, num, obj, optionalFlag, refuseUnsupportedOptions, str, type AgentProfile } from './profile.js';

/** How much `copilot` may do unasked: tools only, or tools plus any path and URL. */
export const COPILOT_PERMISSION_MODES = ['allow-all-tools', 'allow-all'] as const;

/** Headless copilot refuses to run a tool it would have to ask about; tools are the job, paths stay fenced. */
export const COPILOT_PERMISSION_MODE_DEFAULT = 'allow-all-tools';

/**
 * GitHub Copilot CLI: `copilot -p <prompt> --output-format json --allow-all-tools --no-ask-user`.
 * Its JSON-lines schema is undocumented; this parser accepts a payload inline or under
 * `data` and reads only what the recorded streams show. No turn or budget flag exists.
 */
export const copilotProfile: AgentProfile = {
  name: 'copilot',
  summary: 'GitHub Copilot CLI (`copilot -p`, json)',
  supportedOptions: ['model', 'mode', 'extraArgs'],
  modes: COPILOT_PERMISSION_MODES,
  buildCommand({ prompt }, options) {
    refuseUnsupportedOptions(copilotProfile, options);
    return {
      command: 'copilot',
      // -p takes a required value, so the CLI reads the prompt whole even when it starts with `-`.
      args: [
        '-p',
        prompt,
        '--output-format',
        'json',
        `--${options.mode ?? COPILOT_PERMISSION_MODE_DEFAULT}`,
        '--no-ask-user',
        ...optionalFlag('--model', options.model),
        ...(options.extraArgs ?? []),
      ],
      env: {},
    };
  },
  parseLine: jsonLineParser(parseCopilotEvent),
};

function parseCopilotEvent(event: Record<string, unknown>): RunnerEvent[] {
  const type = str(event.type) ?? '';
  const data = isObject(event.data) ? event.data : event;
  switch (type) {
    case 'session.start':
      return [{ type: 'session', sessionId: str(data.sessionId) ?? '', model: str(data.selectedModel) ?? str(data.model) ?? null }];
    case 'assistant.message': {
      const content = str(data.content);
      const requests = Array.isArray(data.toolRequests) ? data.toolRequests.map(obj) : [];
      return [
        ...(content ? [{ type: 'text' as const, text: content }] : []),
        ...requests.map((request): RunnerEvent => ({
          type: 'tool',
          id: str(request.toolCallId) ?? null,
          name: str(request.name) ?? null,
          input: request.arguments,
          status: 'started',
        })),
      ];
    }
    case 'tool.execution_complete':
      return [
        {
          type: 'tool',
          id: str(data.toolCallId) ?? null,
          name: str(data.toolName) ?? null,
          status: data.success === false ? 'failed' : 'succeeded',
        },
      ];
    case 'session.error': {
      const message = str(data.message) ?? '';
      return USAGE_LIMIT_PATTERN.test(message)
        ? [{ type: 'quota', status: 'rejected', resetsAt: null, message }]
        : [{ type: 'log', stream: 'stdout', line: `copilot error: ${message}` }];
    }
    case 'result':
      return resultEvents(data);
    default:
      // Deltas, turn markers, tool.execution_start (the request already said it started): nothing new.
      return [];
  }
}

function resultEvents(data: Record<string, unknown>): RunnerEvent[] {
  const usage = obj(data.usage);
  const durationMs = num(usage.sessionDurationMs);
  // Copilot bills premium requests, not tokens; the counters stay at zero rather than guess.
  const events: RunnerEvent[] = [
    { type: 'usage', inputTokens: 0, outputTokens: 0, cachedTokens: 0, ...(durationMs === undefined ? {} : { durationMs }) },
  ];
  const exitCode = num(data.exitCode);
  if (exitCode === undefined || exitCode === 0) events.push({ type: 'finished', ok: true, reason: 'success' });
  else events.push({ type: 'finished', ok: false, reason: `reported exit code ${exitCode}` });
  return events;
}
