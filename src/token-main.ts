import { mintAdminToken, TOKEN_LABEL_MAX_CHARS } from './admin-token.js';
import { ConfigError, loadProcessConfig, type Config } from './config.js';

/**
 * `npm run token -- --admin [--label <text>]`: mints a new admin API token straight into the
 * configured store, without the server (the same as `switchboard token admin`, kept for
 * scripts written before the CLI). The first start prints its admin token once; this is
 * the way back in when that secret is lost (every admin route, including minting tokens over
 * the API, needs one). The secret alone goes to stdout, so `ADMIN=$(npm run -s token -- --admin)`
 * captures it; what happened goes to stderr.
 *
 * Exit codes: 0 minted, 1 configuration or store error, 2 bad command line.
 */
export const TOKEN_LABEL_DEFAULT = 'admin (npm run token)';
const USAGE = 'usage: npm run token -- --admin [--label <text>]';

/** A command line we cannot act on; the message says what was wrong. */
class UsageError extends Error {}

function parseArgs(args: readonly string[]): { help: true } | { help: false; label: string } {
  let admin = false;
  let label = TOKEN_LABEL_DEFAULT;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--admin') admin = true;
    else if (arg === '--label' || arg.startsWith('--label=')) {
      const value = arg === '--label' ? args[++i] : arg.slice('--label='.length);
      if (value === undefined || value.trim() === '' || value.length > TOKEN_LABEL_MAX_CHARS) {
        throw new UsageError(`--label needs a text of 1 to ${TOKEN_LABEL_MAX_CHARS} characters`);
      }
      label = value.trim();
    } else throw new UsageError(`Unknown argument ${arg}`);
  }
  // Only admin tokens for now: every other role is minted over the API with an admin token.
  if (!admin) throw new UsageError('Say which token to create: --admin (other roles: POST /api/tokens with an admin token)');
  return { help: false, label };
}

async function main(): Promise<number> {
  let label: string;
  try {
    const parsed = parseArgs(process.argv.slice(2));
    if (parsed.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    label = parsed.label;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n${USAGE}\n`);
    return 2;
  }

  let config: Config;
  try {
    // The server's settings, read the server's way; the options above are this command's own.
    config = loadProcessConfig([]);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 1;
  }

  return mintAdminToken(config, label, {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`npm run token crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
