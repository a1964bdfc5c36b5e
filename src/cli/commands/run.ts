import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ConfigError, loadProcessChildEnvironment, loadProcessClientConfig } from '../../config.js';
import { ValidationError } from '../../core/errors.js';
import { SwitchboardApiError } from '../../sdk/index.js';
import { prepareAgentRuns, COOLDOWN_DEFAULT_MS } from '../../runner/prepare.js';
import { PROFILE_NAMES } from '../../runner/profiles/index.js';
import { DRAIN_TIMEOUT_DEFAULT_MS, startRunner } from '../../runner/run.js';
import { agentEntries, type AgentRunSettings } from '../../runner/runner-config.js';
import { liveStatusDisplay, plainDisplay } from '../../runner/status-display.js';
import { EXIT_USAGE, type CliRuntime } from '../runtime.js';

/** Width assumed when the terminal does not say (a pseudo-terminal without a size reports 0). */
const TERMINAL_COLUMNS_FALLBACK = 100;

/** What commander hands the action: the flags as typed, numbers already parsed. */
interface RunFlags extends Omit<AgentRunSettings, 'extraArgs'> {
  agent?: string;
  agents?: string[];
  config?: string;
  extraArg: string[];
  drainTimeout?: number;
  maxTasks?: number;
  url?: string;
  token?: string;
  json?: boolean;
}

/**
 * `switchboard run`: the runner. Parses and checks the flags, prepares every agent (all that
 * can be refused is refused before the first claim), then runs until SIGTERM or SIGINT
 * (drain: no new claims, running attempts get --drain-timeout, then their tasks are released;
 * a second signal stops at once) or until --max-tasks tasks are done.
 */
export function runCommand(program: Command, runtime: CliRuntime): void {
  program
    .command('run')
    .description('work through tasks as an agent: claim, run one agent CLI per attempt, report back (docs/agents.md)')
    .option('--agent <id>', 'the agent to work as')
    .option('--agents <ids>', 'several agents, comma-separated, one work loop each (the token must be an operator token)', list)
    .option('--config <file>', 'JSON file of agents, each with its own settings and token (docs/agents.md)')
    .addOption(new Option('--profile <name>', 'the agent CLI to drive').choices(PROFILE_NAMES))
    .option('--command <line>', 'command profile: the program line to run (task JSON on stdin)')
    .option('--model <model>', 'the model the CLI should use')
    .option('--mode <mode>', 'permission or sandbox mode (claude --permission-mode, codex -s, gemini --approval-mode)')
    .option('--max-turns <n>', "the CLI's own turn limit", positiveInteger)
    .option('--max-budget-usd <usd>', "the CLI's own budget (claude)", positiveNumber)
    .option('--extra-arg <arg>', 'an argument passed to the CLI as is; repeat for several', collect, [])
    .option('--repo <path>', 'run each attempt in its own git worktree of this repository')
    .option('--keep-worktrees', 'keep each attempt directory after it ends (the branch is always kept)')
    .option('--prompt-template <file>', 'the prompt template (default: the built-in one)')
    .option('--max-concurrent <n>', "tasks at once per agent (default and upper bound: the agent's maxConcurrentTasks)", positiveInteger)
    .option('--timeout <s>', 'stop an attempt that runs longer than this', positiveNumber)
    .option('--stall-timeout <s>', 'stop an attempt with no output for this long', positiveNumber)
    .option('--max-cost-usd <usd>', 'stop an attempt whose reported cost goes past this', positiveNumber)
    .option(
      '--drain-timeout <s>',
      `on SIGTERM, how long running attempts may finish (default ${DRAIN_TIMEOUT_DEFAULT_MS / 1000})`,
      positiveNumber,
    )
    .option('--cooldown <s>', `pause after a usage limit without a reset time (default ${COOLDOWN_DEFAULT_MS / 1000})`, positiveNumber)
    .option('--max-tasks <n>', 'exit after this many tasks', positiveInteger)
    .action(async (_flags: RunFlags, command: Command) => {
      const flags = command.optsWithGlobals<RunFlags>();
      const code = await run(flags, runtime).catch((err: unknown) => {
        const code = err instanceof SwitchboardApiError ? ` (${err.code})` : '';
        runtime.err(`switchboard run: ${err instanceof Error ? err.message : String(err)}${code}\n`);
        return isUsageError(err) ? EXIT_USAGE : 1;
      });
      runtime.exit(code);
    });
}

async function run(flags: RunFlags, runtime: CliRuntime): Promise<number> {
  const connection = loadProcessClientConfig(flags);
  // The connection and output options are the program's; the rest are the agents' settings.
  const { agent, agents, config, extraArg, drainTimeout, maxTasks, url: _url, token: _token, json: _json, ...settings } = flags;
  const entries = agentEntries({
    ...(agent === undefined ? {} : { agent }),
    ...(agents === undefined ? {} : { agents }),
    ...(config === undefined ? {} : { config: { path: config, text: await readConfig(config) } }),
    settings: { ...definedOnly(settings), ...(extraArg.length === 0 ? {} : { extraArgs: extraArg }) },
  });
  const environment = loadProcessChildEnvironment();
  const runs = await prepareAgentRuns(entries, connection, environment);
  const display = process.stdout.isTTY
    ? liveStatusDisplay(runtime.out, () => process.stdout.columns || TERMINAL_COLUMNS_FALLBACK)
    : plainDisplay(runtime.out);
  const runner = startRunner({
    agents: runs,
    environment,
    display,
    ...(maxTasks === undefined ? {} : { maxTasks }),
  });
  display.note(
    `switchboard run: ${runs.map((r) => `${r.agentId} (${r.profile.name}, ${r.concurrency} at once)`).join(', ')} at ${connection.url}`,
  );

  const drainMs = drainTimeout === undefined ? DRAIN_TIMEOUT_DEFAULT_MS : drainTimeout * 1000;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    display.note(signals === 1 ? `${signal}: draining for up to ${drainMs / 1000} s (again to stop now)` : `${signal}: stopping now`);
    void runner.stop({ drainMs: signals === 1 ? drainMs : 0 });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const { tasks } = await runner.done;
    runtime.out(`switchboard run: done after ${tasks} task${tasks === 1 ? '' : 's'}\n`);
    return 0;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    for (const r of runs) r.client.close();
  }
}

async function readConfig(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError('--config', `--config ${path} cannot be read: ${(err as Error).message}`);
  }
}

/** Wrong flags and files exit 2 like a parse error; a server that refuses or cannot be reached, or a missing CLI, exits 1. */
function isUsageError(err: unknown): boolean {
  return err instanceof ConfigError || err instanceof ValidationError;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function list(value: string): string[] {
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length === 0) throw new InvalidArgumentError('expected one or more agent ids, comma-separated');
  return ids;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function positiveInteger(value: string): number {
  const n = positiveNumber(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
}
