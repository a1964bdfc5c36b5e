import { ValidationError } from '../../core/errors.js';
import { logLine, type RunnerEvent } from '../events.js';

/** What a profile needs to know about the task it is about to run. */
export interface TaskForRun {
  id: string;
  title: string;
  description: string;
  labels: readonly string[];
  requiredCapabilities: readonly string[];
  preferredCapabilities: readonly string[];
  /** Results of the tasks this one depends on: the agent builds on them. */
  dependencies: readonly { id: string; title: string; result: string | null }[];
  /** Why earlier attempts failed, oldest first: the agent should not repeat them. */
  earlierFailures: readonly string[];
}

/** A task with nothing but an id and a title: the runner's start-up check builds a command line from one before any claim. */
export function bareTask(id: string, title: string): TaskForRun {
  return {
    id,
    title,
    description: '',
    labels: [],
    requiredCapabilities: [],
    preferredCapabilities: [],
    dependencies: [],
    earlierFailures: [],
  };
}

/** A profile's input: the task plus the prompt already rendered from the template. */
export interface ProfileInput {
  task: TaskForRun;
  prompt: string;
}

/**
 * The options a user may set on `switchboard run`. A profile honours a subset and refuses
 * the rest ({@link refuseUnsupportedOptions}): a silently ignored `--max-budget-usd` is a
 * budget nobody enforces.
 */
export interface ProfileOptions {
  model?: string;
  /** claude `--permission-mode`, codex `-s` sandbox, gemini `--approval-mode`. */
  mode?: string;
  maxTurns?: number;
  maxBudgetUsd?: number;
  /** `command` profile only: the program line the user wrote. */
  command?: string;
  /** Appended after the profile's own flags, before the prompt where order matters. */
  extraArgs?: readonly string[];
}

export type ProfileOptionName = keyof ProfileOptions;

/** A child to spawn: never a shell line, so a prompt cannot inject anything. */
export interface CommandSpec {
  command: string;
  args: string[];
  /** Added to the runner's environment for this child only. */
  env: Record<string, string>;
  /** Written to the child's stdin, which is then closed. */
  stdin?: string;
}

/**
 * Everything Switchboard knows about one agent CLI: data plus two functions. `parseLine`
 * is total: any string in, events out, a `log` event for what it cannot read.
 */
export interface AgentProfile {
  name: string;
  /** One line for `--help` and docs/agents.md. */
  summary: string;
  /** Options this profile maps onto its CLI; any other set option is an error. */
  supportedOptions: readonly ProfileOptionName[];
  /** Values `mode` may take, checked before spawning rather than by the CLI mid-run. */
  modes?: readonly string[];
  /** Documented exit codes, so outcome reasons can name them. */
  exitMeanings?: Readonly<Record<number, string>>;
  /** Exit 0 without a final event completes the task: set by profiles for plain programs, whose exit status is their word. */
  exitZeroCompletes?: true;
  buildCommand(input: ProfileInput, options: ProfileOptions): CommandSpec;
  parseLine(line: string): RunnerEvent[];
}

/** Throws a {@link ValidationError} naming every option this profile cannot honour. */
export function refuseUnsupportedOptions(
  profile: Pick<AgentProfile, 'name' | 'supportedOptions' | 'modes'>,
  options: ProfileOptions,
): void {
  const set = (Object.keys(options) as ProfileOptionName[]).filter((name) => options[name] !== undefined);
  const unsupported = set.filter((name) => !profile.supportedOptions.includes(name));
  if (unsupported.length > 0) {
    throw new ValidationError(
      `The ${profile.name} profile does not support ${unsupported.map(flagOf).join(', ')} (it supports ${profile.supportedOptions.map(flagOf).join(', ')})`,
      { field: flagOf(unsupported[0]!), profile: profile.name, unsupported },
    );
  }
  if (options.mode !== undefined && profile.modes && !profile.modes.includes(options.mode)) {
    throw new ValidationError(`The ${profile.name} profile's --mode must be one of ${profile.modes.join(', ')}; got "${options.mode}"`, {
      field: '--mode',
      profile: profile.name,
    });
  }
  for (const name of ['maxTurns', 'maxBudgetUsd'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new ValidationError(`${flagOf(name)} must be a positive number; got ${value}`, { field: flagOf(name) });
    }
  }
  if (options.maxTurns !== undefined && !Number.isInteger(options.maxTurns)) {
    throw new ValidationError(`--max-turns must be a whole number; got ${options.maxTurns}`, { field: '--max-turns' });
  }
}

const FLAGS: Record<ProfileOptionName, string> = {
  model: '--model',
  mode: '--mode',
  maxTurns: '--max-turns',
  maxBudgetUsd: '--max-budget-usd',
  command: '--command',
  extraArgs: '--extra-arg',
};

/** The `switchboard run` flag for an option, as users typed it. */
export function flagOf(name: ProfileOptionName): string {
  return FLAGS[name];
}

/** Flags for the options that map one to one, in a fixed order so argv is predictable. */
export function optionalFlag(flag: string, value: string | number | undefined): string[] {
  return value === undefined ? [] : [flag, String(value)];
}

type JsonObject = Record<string, unknown>;

/**
 * Wraps a parser of one JSON object so the profile's `parseLine` is total: a blank line
 * yields nothing, anything not a JSON object or anything the parser trips on is a log line.
 */
export function jsonLineParser(parseObject: (event: JsonObject) => RunnerEvent[]): (line: string) => RunnerEvent[] {
  return (line) => {
    const trimmed = line.trim();
    if (trimmed === '') return [];
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return [logLine(line)];
    }
    if (!isObject(value)) return [logLine(line)];
    try {
      return parseObject(value);
    } catch {
      // A field of a surprising type must not take the run down with it.
      return [logLine(line)];
    }
  };
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function obj(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}
