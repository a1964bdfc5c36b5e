import { ConfigError, loadProcessConfig, type Config } from './config.js';
import { runServer } from './serve-process.js';

/**
 * `npm start`: the configuration from the environment (and `--demo`), then the server until a
 * signal. Everything else lives in importable modules (server.ts, serve-process.ts) so that
 * `switchboard serve` and tests start the same server; this file only reads the process and exits.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadProcessConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
  await runServer(config);
}

main().catch((err: unknown) => {
  process.stderr.write(`Switchboard crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
