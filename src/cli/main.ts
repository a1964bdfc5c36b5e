#!/usr/bin/env node
import { runCli } from './program.js';

/**
 * The `switchboard` command's entry (package.json `bin`, through bin/switchboard.mjs): the
 * process's arguments, streams and signals in, its exit code out. Everything else is in
 * program.ts, which tests run as a process the same way.
 */
runCli(process.argv, {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  // A TTY stream decides by the environment (NO_COLOR, NODE_DISABLE_COLORS, TERM=dumb), so this entry reads no variable itself.
  color: process.stdout.isTTY === true && process.stdout.hasColors(),
  stopSignal: lazyStopSignal(),
}).then(
  (code) => {
    if (code !== null) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`switchboard crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);

/**
 * The first SIGINT or SIGTERM aborts the signal; the handlers go with it, so a second Ctrl-C
 * ends a command that does not stop by the default route.
 */
function lazyStopSignal(): () => AbortSignal {
  let controller: AbortController | null = null;
  return () => {
    if (controller !== null) return controller.signal;
    const stopping = new AbortController();
    controller = stopping;
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      stopping.abort(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return stopping.signal;
  };
}
