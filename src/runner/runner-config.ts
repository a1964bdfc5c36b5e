import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { dirname, resolve } from 'node:path';
import { ValidationError } from '../core/errors.js';

const Positive = Type.Number({ exclusiveMinimum: 0 });
const PositiveInteger = Type.Integer({ minimum: 1 });

/**
 * The settings of one agent's runs, named as the `switchboard run` flags are (camelCase).
 * Times are in seconds, as on the command line.
 */
export const AgentRunSettingsSchema = Type.Object(
  {
    profile: Type.Optional(Type.String({ minLength: 1 })),
    command: Type.Optional(Type.String({ minLength: 1 })),
    model: Type.Optional(Type.String({ minLength: 1 })),
    mode: Type.Optional(Type.String({ minLength: 1 })),
    maxTurns: Type.Optional(PositiveInteger),
    maxBudgetUsd: Type.Optional(Positive),
    extraArgs: Type.Optional(Type.Array(Type.String())),
    repo: Type.Optional(Type.String({ minLength: 1 })),
    keepWorktrees: Type.Optional(Type.Boolean()),
    promptTemplate: Type.Optional(Type.String({ minLength: 1 })),
    maxConcurrent: Type.Optional(PositiveInteger),
    timeout: Type.Optional(Positive),
    stallTimeout: Type.Optional(Positive),
    maxCostUsd: Type.Optional(Positive),
    cooldown: Type.Optional(Positive),
  },
  { additionalProperties: false },
);

export type AgentRunSettings = Static<typeof AgentRunSettingsSchema>;

/**
 * `--config FILE`: several agents in one runner, each with its own settings over the command
 * line's, and its own token when agent tokens are used (one token may act only as its agent).
 */
export const RunnerConfigSchema = Type.Object(
  {
    agents: Type.Array(
      Type.Object(
        { id: Type.String({ minLength: 1 }), token: Type.Optional(Type.String({ minLength: 1 })), ...AgentRunSettingsSchema.properties },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);

/** One agent as the runner will serve it: its id, its token if it has one, its merged settings. */
export interface AgentEntry {
  id: string;
  token?: string;
  settings: AgentRunSettings;
}

/**
 * The agents one `switchboard run` serves: `--agent`, `--agents a,b` (the command line's
 * settings for all) or the config file's entries (their settings over the command line's).
 * Paths in a config file are relative to the file, so it works from any directory.
 */
export function agentEntries(input: {
  agent?: string;
  agents?: readonly string[];
  config?: { path: string; text: string };
  settings: AgentRunSettings;
}): AgentEntry[] {
  const sources = [input.agent, input.agents, input.config].filter((source) => source !== undefined);
  if (sources.length !== 1) {
    throw new ValidationError('Say which agent to run as: exactly one of --agent ID, --agents ID,ID or --config FILE', {
      field: '--agent',
    });
  }
  if (input.config !== undefined) {
    return parseConfig(input.config.path, input.config.text).agents.map(({ id, token, ...own }) => ({
      id,
      ...(token === undefined ? {} : { token }),
      settings: { ...input.settings, ...relativeTo(dirname(input.config!.path), own) },
    }));
  }
  const ids = input.agent !== undefined ? [input.agent] : [...(input.agents ?? [])];
  refuseDuplicates(ids, '--agents', (id) => `Agent ${id} is named twice`);
  return ids.map((id) => ({ id, settings: input.settings }));
}

function parseConfig(path: string, text: string): Static<typeof RunnerConfigSchema> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`--config ${path} is not JSON: ${(err as Error).message}`, { field: '--config' });
  }
  const problem = Value.Errors(RunnerConfigSchema, value).First();
  if (problem !== undefined) {
    throw new ValidationError(`--config ${path}: ${problem.path || '/'} ${problem.message}`, { field: '--config', path: problem.path });
  }
  const config = value as Static<typeof RunnerConfigSchema>;
  refuseDuplicates(
    config.agents.map((a) => a.id),
    '--config',
    (id) => `--config ${path}: agent ${id} is listed twice`,
  );
  return config;
}

/** Two loops as one agent would claim against each other and double its concurrency. */
function refuseDuplicates(ids: readonly string[], field: string, message: (id: string) => string): void {
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) throw new ValidationError(message(twice), { field });
}

function relativeTo(dir: string, settings: AgentRunSettings): AgentRunSettings {
  return {
    ...settings,
    ...(settings.repo === undefined ? {} : { repo: resolve(dir, settings.repo) }),
    ...(settings.promptTemplate === undefined ? {} : { promptTemplate: resolve(dir, settings.promptTemplate) }),
  };
}
