import type { Command } from 'commander';
import { ConfigError, loadProcessConfig, SERVE_FLAG_VARIABLES, type ServeFlags } from '../../config.js';
import type { CliRuntime } from '../runtime.js';

/**
 * `switchboard serve`: the server `npm start` runs, configured the same way (the environment,
 * see the README's Configuration), with a flag for the settings one most often changes per run.
 * The flags go to the config loader (config.ts), which validates them by the variables' rules.
 */
export function serveCommand(program: Command, runtime: CliRuntime): void {
  program
    .command('serve')
    .description('start the Switchboard server (the same as npm start); settings come from the environment')
    .option('--port <port>', `HTTP and Socket.io port, 0 for any free one (overrides ${SERVE_FLAG_VARIABLES.port})`)
    .option('--host <host>', `interface to listen on (overrides ${SERVE_FLAG_VARIABLES.host})`)
    .option('--data <file>', `SQLite database file (overrides ${SERVE_FLAG_VARIABLES.data})`)
    .option('--demo', 'load the demo tasks and agents into an empty store')
    .action(async (flags: ServeFlags) => {
      let config;
      try {
        config = loadProcessConfig([], flags);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        runtime.err(`${err.message}\n`);
        runtime.exit(1);
        return;
      }
      // Loaded here, not at the top: the server's modules (Fastify, the drivers) take most of a second
      // to load, which every client command (`task list`, ...) would otherwise pay at each start.
      const { runServer } = await import('../../serve-process.js');
      // From here the server owns the process: signals, and the exit code of a failed start.
      await runServer(config);
    });
}
