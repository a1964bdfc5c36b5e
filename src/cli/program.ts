import { Command, CommanderError } from 'commander';
import { CLIENT_URL_DEFAULT } from '../config.js';
import { packageVersion } from '../package-root.js';
import { agentCommands } from './commands/agent.js';
import { eventsCommand } from './commands/events.js';
import { mcpCommand } from './commands/mcp.js';
import { runCommand } from './commands/run.js';
import { serveCommand } from './commands/serve.js';
import { taskCommands } from './commands/task.js';
import { tokenCommands } from './commands/token.js';
import { whoamiCommand } from './commands/whoami.js';
import {
  EXIT_REFUSED,
  EXIT_UNAUTHORISED,
  EXIT_UNREACHABLE,
  EXIT_USAGE,
  type CliEnvironment,
  type CliRuntime,
  type CommandGroup,
} from './runtime.js';

/**
 * Every command group, in the order `--help` lists them. The client groups (`whoami`, `task`,
 * `agent`, `events`, `run`, `mcp`) are each a module under commands/ built over the SDK; they read the
 * connection through client-action.ts.
 */
const GROUPS: readonly CommandGroup[] = [
  serveCommand,
  tokenCommands,
  whoamiCommand,
  taskCommands,
  agentCommands,
  eventsCommand,
  runCommand,
  mcpCommand,
];

/** The exit codes, under `--help` (docs/cli.md says the same at more length). */
const EXIT_CODES_HELP = `
Exit codes:
  0  done
  ${EXIT_REFUSED}  the server refused the request (its message and code on stderr), or a local setting or store failed
  ${EXIT_USAGE}  a command line the parser refused, a bad --url, or a removal without --yes
  ${EXIT_UNREACHABLE}  no usable answer: the server could not be reached, or what answered is not Switchboard
  ${EXIT_UNAUTHORISED}  not authorised: no or a bad token (UNAUTHENTICATED), or the role lacks the permission (FORBIDDEN)

Environment: SWITCHBOARD_URL, SWITCHBOARD_TOKEN (as --url, --token); NO_COLOR turns colours off.
Every command and flag: docs/cli.md.`;

/**
 * The `switchboard` program: commander (a well-kept parser; help, version and errors come from
 * it), the global connection and output options, and the groups. The connection options are
 * declared once here so every client command accepts them in the same place and spelling.
 */
export function buildProgram(runtime: CliRuntime): Command {
  const program = new Command('switchboard')
    .description('Task orchestration and agent delegation for fleets of AI coding agents and humans')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--url <url>', `server to talk to (SWITCHBOARD_URL, default ${CLIENT_URL_DEFAULT})`)
    .option('--token <token>', 'API token (SWITCHBOARD_TOKEN)')
    .option('--json', 'print JSON for scripts instead of tables')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError()
    .configureOutput({ writeOut: (text) => runtime.out(text), writeErr: (text) => runtime.err(text) })
    .exitOverride();
  for (const group of GROUPS) group(program, runtime);
  // Sub-commands inherit neither of these from the program: set them on each, so every parse error comes back here.
  for (const command of allCommands(program)) command.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/**
 * Runs one command line (`argv` as in `process.argv`) and resolves with the exit code, or with
 * null when the command now owns the process (`serve` runs until a signal and sets its own code).
 * Help and version exit 0; a command line the parser refuses exits {@link EXIT_USAGE}.
 */
export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<number | null> {
  let code: number | null = null;
  const runtime: CliRuntime = { ...environment, exit: (c) => (code = c) };
  const program = buildProgram(runtime);
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    return err.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  return code;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((c) => [c, ...allCommands(c)]);
}
