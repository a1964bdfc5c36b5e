import { openStore, storeDescription } from './composition.js';
import type { Config } from './config.js';
import type { Store } from './core/ports.js';
import { systemClock } from './services/system-clock.js';
import { createTokenAuthenticator } from './services/tokens.js';

/** The API's own limit on a token label (POST /api/tokens). */
export const TOKEN_LABEL_MAX_CHARS = 200;

/** Where the two streams of a command go: the secret alone to `out`, what happened to `err`. */
export interface CommandOutput {
  out(text: string): void;
  err(text: string): void;
}

/**
 * Mints a new admin API token straight into the store the configuration names, without a
 * server: the way back in when the first start's secret is lost (every admin route,
 * including minting tokens over the API, needs one). Shared by `npm run token -- --admin`
 * and `switchboard token admin`, so both keep one output contract: the secret alone on
 * stdout (`ADMIN=$(switchboard token admin)` captures it), what happened on stderr.
 *
 * Never creates a SQLite file (a mistyped SWITCHBOARD_DATA must not start an empty store the
 * server never reads). Resolves with the exit code: 0 minted, 1 store error.
 */
export async function mintAdminToken(config: Config, label: string, output: CommandOutput): Promise<number> {
  let store: Store;
  try {
    store = await openStore(config, { existingOnly: true });
  } catch (err) {
    // openStore's messages name the file or the database already.
    output.err(`${message(err)}\n`);
    return 1;
  }
  const where = storeDescription(store, config);
  try {
    // The same migrations the server runs at start: a store last opened by an older version still takes the token.
    await store.migrate();
    const issued = await createTokenAuthenticator(store, systemClock).issue({ label, role: 'admin' });
    output.err(`Created admin token "${label}" (id ${issued.token.id}) in ${where}. It is shown only this once:\n`);
    output.out(`${issued.secret}\n`);
    return 0;
  } catch (err) {
    output.err(`Could not create the token in ${where}: ${message(err)}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
