#!/usr/bin/env node
import { runCli } from './program.js';

/**
 * The `switchboard` command's entry (package.json `bin`, through bin/switchboard.mjs): the
 * process's arguments and streams in, its exit code out. Everything else is in program.ts,
 * which tests run as a process the same way.
 */
runCli(process.argv, {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
}).then(
  (code) => {
    if (code !== null) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`switchboard crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
