import type { Command } from 'commander';
import type { CommandOutput } from '../admin-token.js';

/**
 * The exit codes of every `switchboard` command, one scheme so a script can branch on them
 * (docs/cli.md, and the program's `--help`). 1 is also what a local failure (a setting, the
 * store of `token admin`, a server that cannot start) exits with, as before the client commands.
 */
export const EXIT_REFUSED = 1;
/** A command line the parser refused (unknown command or option, bad value), as `npm run token` uses; also a bad --url. */
export const EXIT_USAGE = 2;
/** No usable answer: the server could not be reached, or what answered was not a Switchboard API. */
export const EXIT_UNREACHABLE = 3;
/** The server refused the caller, not the request: no or a bad token (UNAUTHENTICATED), or a role without the permission (FORBIDDEN). */
export const EXIT_UNAUTHORISED = 4;

/** What the process gives the program besides its streams; main.ts fills it from the real process. */
export interface CliEnvironment extends CommandOutput {
  /** Whether stdout takes colours: a TTY whose environment allows them (NO_COLOR, NODE_DISABLE_COLORS and TERM=dumb turn them off). */
  color: boolean;
  /**
   * Aborted at the first SIGINT or SIGTERM. Handlers are installed at the first call only: a
   * command that never asks keeps the default (the signal ends the process at once).
   */
  stopSignal(): AbortSignal;
}

/**
 * What a command's action may touch besides its arguments: the output streams, the exit code
 * and the stop signal. Passed in rather than reached for, so the program runs the same under a
 * test as from the shell.
 */
export interface CliRuntime extends CliEnvironment {
  /** Ends the command with this exit code once the action returns (0 when never called). */
  exit(code: number): void;
}

/**
 * One command group (`serve`, `token`, `task`, `agent`, `events`, and later `run`, `mcp`):
 * it adds its commands to the program. A group is one module under `src/cli/commands/`; the
 * program lists the groups in one place (program.ts), so adding one touches nothing else.
 */
export type CommandGroup = (program: Command, runtime: CliRuntime) => void;

/** Resolves when the stop signal ({@link CliEnvironment.stopSignal}) fires: where a `--follow` ends. */
export function untilStopped(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
