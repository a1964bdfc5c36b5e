import { InvalidArgumentError, type Command } from 'commander';
import { mintAdminToken, TOKEN_LABEL_MAX_CHARS } from '../../admin-token.js';
import { ConfigError, loadProcessConfig } from '../../config.js';
import type { CliRuntime } from '../runtime.js';

/** The label of a token `switchboard token admin` mints when `--label` is not given. */
export const ADMIN_TOKEN_LABEL_DEFAULT = 'admin (switchboard token admin)';

/**
 * `switchboard token ...`. `admin` works on the local store, without a server: the way back in
 * when the first start's admin secret is lost. Tokens of other roles are minted over the API
 * (`token create --role ... [--agent ID]`, to be added here over the SDK), which needs an admin token.
 */
export function tokenCommands(program: Command, runtime: CliRuntime): void {
  const token = program.command('token').description('API tokens');
  token
    .command('admin')
    .description('mint a new admin token straight into the local store (SWITCHBOARD_DATA or DATABASE_URL); the secret alone goes to stdout')
    .option('--label <text>', `what the token is for, 1 to ${TOKEN_LABEL_MAX_CHARS} characters`, parseLabel, ADMIN_TOKEN_LABEL_DEFAULT)
    .action(async ({ label }: { label: string }) => {
      let config;
      try {
        // The server's settings, read the server's way: the same store the server uses.
        config = loadProcessConfig([]);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        runtime.err(`${err.message}\n`);
        runtime.exit(1);
        return;
      }
      runtime.exit(await mintAdminToken(config, label, runtime));
    });
}

function parseLabel(value: string): string {
  const label = value.trim();
  if (label === '' || value.length > TOKEN_LABEL_MAX_CHARS) {
    throw new InvalidArgumentError(`expected a text of 1 to ${TOKEN_LABEL_MAX_CHARS} characters`);
  }
  return label;
}
