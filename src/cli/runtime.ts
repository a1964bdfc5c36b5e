import type { Command } from 'commander';
import type { CommandOutput } from '../admin-token.js';

/** Exit code of a command line the parser refused (unknown command or option, missing value), as `npm run token` uses. */
export const EXIT_USAGE = 2;

/**
 * What a command's action may touch besides its arguments: the two output streams and the
 * exit code. Passed in rather than reached for, so the program runs the same under a test
 * as from the shell.
 */
export interface CliRuntime extends CommandOutput {
  /** Ends the command with this exit code once the action returns (0 when never called). */
  exit(code: number): void;
}

/**
 * One command group (`serve`, `token`, and later `task`, `agent`, `events`, `run`, `mcp`):
 * it adds its commands to the program. A group is one module under `src/cli/commands/`; the
 * program lists the groups in one place (program.ts), so adding one touches nothing else.
 */
export type CommandGroup = (program: Command, runtime: CliRuntime) => void;
