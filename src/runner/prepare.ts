import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { ValidationError } from '../core/errors.js';
import { createClient } from '../sdk/index.js';
import type { ChildEnvironment } from './child.js';
import { bareTask, profileByName, type ProfileOptions } from './profiles/index.js';
import { createPromptRenderer } from './prompt.js';
import type { AgentRun } from './run.js';
import type { AgentEntry, AgentRunSettings } from './runner-config.js';
import { repositoryRoot } from './workspace.js';

/** How long a usage limit pauses the agent when the CLI said nothing about when it resets. */
export const COOLDOWN_DEFAULT_MS = 15 * 60_000;

/** A task that exists only to build a command line before any real one is claimed. */
const SAMPLE_TASK = bareTask('TASK-000', 'check the runner settings');

/**
 * Turns the agents' settings into runs, checking all that can be wrong before the first
 * claim: a claimed task must not be failed by a typo. The profile must exist and take the
 * options, the template must compile, the CLI must be on PATH, `--repo` must be a git
 * repository, and the server must know the agent and let the token act as it.
 */
export async function prepareAgentRuns(
  entries: readonly AgentEntry[],
  connection: { url: string; token: string | null },
  environment: ChildEnvironment,
): Promise<AgentRun[]> {
  return Promise.all(entries.map((entry) => prepareAgentRun(entry, connection, environment)));
}

async function prepareAgentRun(
  entry: AgentEntry,
  connection: { url: string; token: string | null },
  environment: ChildEnvironment,
): Promise<AgentRun> {
  const { settings } = entry;
  if (settings.profile === undefined) throw new ValidationError(`--profile is required (agent ${entry.id})`, { field: '--profile' });
  const profile = profileByName(settings.profile);
  const profileOptions = profileOptionsOf(settings);
  const template = settings.promptTemplate === undefined ? undefined : await readTemplate(settings.promptTemplate);
  const renderPrompt = createPromptRenderer(template);
  const spec = profile.buildCommand({ task: SAMPLE_TASK, prompt: renderPrompt(SAMPLE_TASK) }, profileOptions);
  if ((await findExecutable(spec.command, environment['PATH'] ?? '')) === null) {
    throw new Error(
      `${spec.command} (the ${profile.name} profile's CLI) is not on PATH: install it, or put the directory holding it on PATH`,
    );
  }
  const repo = settings.repo === undefined ? undefined : await repositoryRoot(settings.repo);
  const token = entry.token ?? connection.token;
  const client = createClient({ url: connection.url, ...(token === null ? {} : { token }) });
  // A heartbeat, not a read: it proves the token may act as this agent, which a read does not.
  const { agent } = await client.agents.heartbeat(entry.id);
  return {
    agentId: entry.id,
    client,
    profile,
    profileOptions,
    renderPrompt,
    ...(repo === undefined ? {} : { repo }),
    keepWorktrees: settings.keepWorktrees ?? false,
    limits: {
      ...(settings.timeout === undefined ? {} : { timeoutMs: settings.timeout * 1000 }),
      ...(settings.stallTimeout === undefined ? {} : { stallMs: settings.stallTimeout * 1000 }),
      ...(settings.maxCostUsd === undefined ? {} : { maxCostUsd: settings.maxCostUsd }),
    },
    cooldownMs: settings.cooldown === undefined ? COOLDOWN_DEFAULT_MS : settings.cooldown * 1000,
    // More slots than the server lets the agent hold would only long-poll for nothing.
    concurrency: Math.min(settings.maxConcurrent ?? agent.maxConcurrentTasks, agent.maxConcurrentTasks),
  };
}

function profileOptionsOf(settings: AgentRunSettings): ProfileOptions {
  const { model, mode, maxTurns, maxBudgetUsd, command, extraArgs } = settings;
  const options: ProfileOptions = { model, mode, maxTurns, maxBudgetUsd, command, extraArgs };
  // Unset stays absent: a profile refuses every option that is present.
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

async function readTemplate(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ValidationError(`--prompt-template ${path} cannot be read: ${(err as Error).message}`, { field: '--prompt-template' });
  }
}

/** The program `command` names, found as spawn will find it: a path as is, a bare name on PATH. */
async function findExecutable(command: string, path: string): Promise<string | null> {
  const candidates = command.includes('/')
    ? [command]
    : path
        .split(delimiter)
        .filter((dir) => isAbsolute(dir))
        .map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // Not here: the next directory.
    }
  }
  return null;
}
