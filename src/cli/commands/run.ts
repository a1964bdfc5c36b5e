import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ConfigError, loadProcessChildEnvironment } from '../../config.js';
import { ValidationError } from '../../core/errors.js';
import type { ChildEnvironment } from '../../runner/child.js';
import { COOLDOWN_DEFAULT_MS, prepareAgentRuns } from '../../runner/prepare.js';
import { PROFILE_NAMES } from '../../runner/profiles/index.js';
import { DRAIN_TIMEOUT_DEFAULT_MS, startRunner, type AgentRun } from '../../runner/run.js';
import { agentEntries, type AgentRunSettings } from '../../runner/runner-config.js';
import { liveStatusDisplay, plainDisplay } from '../../runner/status-display.js';
import { SwitchboardApiError, SwitchboardClientError } from '../../sdk/index.js';
import { clientAction } from '../client-action.js';
import { integer, listOf } from '../options.js';
import { EXIT_REFUSED, EXIT_USAGE, type CliRuntime } from '../runtime.js';

/** Width assumed when the terminal does not say (a pseudo-terminal without a size reports 0). */
const TERMINAL_COLUMNS_FALLBACK = 100;

/** What commander hands the action: the command's own flags as typed, numbers already parsed (the connection is clientAction's). */
interface RunFlags extends Omit<AgentRunSettings, 'extraArgs'> {
  agent?: string;
  agents?: string[];
  config?: string;
  extraArg: string[];
  drainTimeout?: number;
  maxTasks?: number;
}

/**
 * `switchboard run`: the runner. Parses and checks the flags, prepares every agent (all that
 * can be refused is refused before the first claim), then runs until SIGTERM or SIGINT
 * (drain: no new claims, running attempts get --drain-timeout, then their tasks are released;
 * a second signal stops at once) or until --max-tasks tasks are done. Exit codes as for every
 * client command (docs/cli.md): 2 a flag or file is wrong, 1 a CLI or repository is missing
 * or the server refused, 3 the server cannot be reached, 4 the token may not act as the agent.
 */
export function runCommand(program: Command, runtime: CliRuntime): void {
  program
    .command('run')
    .description('work through tasks as an agent: claim, run one agent CLI per attempt, report back (docs/agents.md)')
    .option('--agent <id>', 'the agent to work as')
    .option(
      '--agents <ids>',
      'several agents, comma-separated or repeated, one work loop each (the token must be an operator token)',
      listOf(),
    )
    .option('--config <file>', 'JSON file of agents, each with its own settings and token (docs/agents.md)')
    .addOption(new Option('--profile <name>', 'the agent CLI to drive').choices(PROFILE_NAMES))
    .option('--command <line>', 'command profile: the program line to run (task JSON on stdin)')
    .option('--model <model>', 'the model the CLI should use')
    .option('--mode <mode>', 'permission or sandbox mode (claude --permission-mode, codex -s, gemini --approval-mode)')
    .option('--max-turns <n>', "the CLI's own turn limit", integer(1))
    .option('--max-budget-usd <usd>', "the CLI's own budget (claude)", positiveNumber)
    .option('--extra-arg <arg>', 'an argument passed to the CLI as is; repeat for several', collect, [])
    .option('--repo <path>', 'run each attempt in its own git worktree of this repository')
    .option('--keep-worktrees', 'keep each attempt directory after it ends (the branch is always kept)')
    .option('--prompt-template <file>', 'the prompt template (default: the built-in one)')
    .option('--max-concurrent <n>', "tasks at once per agent (default and upper bound: the agent's maxConcurrentTasks)", integer(1))
    .option('--timeout <s>', 'stop an attempt that runs longer than this', positiveNumber)
    .option('--stall-timeout <s>', 'stop an attempt with no output for this long', positiveNumber)
    .option('--max-cost-usd <usd>', 'stop an attempt whose reported cost goes past this', positiveNumber)
    .option(
      '--drain-timeout <s>',
      `on SIGTERM, how long running attempts may finish (default ${DRAIN_TIMEOUT_DEFAULT_MS / 1000})`,
      positiveNumber,
    )
    .option('--cooldown <s>', `pause after a usage limit without a reset time (default ${COOLDOWN_DEFAULT_MS / 1000})`, positiveNumber)
    .option('--max-tasks <n>', 'exit after this many tasks', integer(1))
    .action(
      clientAction(runtime, async (ctx, flags: RunFlags) => {
        let runs: AgentRun[];
        const environment = loadProcessChildEnvironment();
        try {
          runs = await prepareAgentRuns(await entriesOf(flags), ctx.connection, environment);
        } catch (err) {
          // The server's refusals and an unreachable server are worded and coded as for every client command.
          if (err instanceof SwitchboardApiError || err instanceof SwitchboardClientError || !(err instanceof Error)) throw err;
          runtime.err(`error: ${err.message}\n`);
          return runtime.exit(err instanceof ConfigError || err instanceof ValidationError ? EXIT_USAGE : EXIT_REFUSED);
        }
        await work(runs, environment, flags, runtime, ctx.connection.url);
      }),
    );
}

/** The agents and their settings: every flag but the runner's own (drain, max tasks) is an agent setting. */
async function entriesOf(flags: RunFlags) {
  const { agent, agents, config, extraArg, drainTimeout: _drain, maxTasks: _max, ...settings } = flags;
  return agentEntries({
    ...(agent === undefined ? {} : { agent }),
    ...(agents === undefined ? {} : { agents }),
    ...(config === undefined ? {} : { config: { path: config, text: await readConfig(config) } }),
    settings: { ...definedOnly(settings), ...(extraArg.length === 0 ? {} : { extraArgs: extraArg }) },
  });
}

/** Runs until --max-tasks tasks are done or a signal drains it: the first SIGTERM/SIGINT drains, a second stops at once. */
async function work(runs: AgentRun[], environment: ChildEnvironment, flags: RunFlags, runtime: CliRuntime, url: string): Promise<void> {
  const display = process.stdout.isTTY
    ? liveStatusDisplay(runtime.out, () => process.stdout.columns || TERMINAL_COLUMNS_FALLBACK)
    : plainDisplay(runtime.out);
  const runner = startRunner({
    agents: runs,
    environment,
    display,
    ...(flags.maxTasks === undefined ? {} : { maxTasks: flags.maxTasks }),
  });
  display.note(`switchboard run: ${runs.map((r) => `${r.agentId} (${r.profile.name}, ${r.concurrency} at once)`).join(', ')} at ${url}`);

  const drainMs = flags.drainTimeout === undefined ? DRAIN_TIMEOUT_DEFAULT_MS : flags.drainTimeout * 1000;
  let signals = 0;
  // Its own handlers rather than the runtime's stop signal: a second signal must still stop the
  // children (they are in process groups of their own, the terminal's Ctrl-C never reaches them).
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

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}
