import type { Command } from 'commander';
import { ConfigError, loadProcessClientConfig, type ClientConfig } from '../config.js';
import { createClient, SwitchboardApiError, SwitchboardClientError, type SwitchboardClient } from '../sdk/index.js';
import { createStyle, type Style } from './output/style.js';
import { clean } from './output/table.js';
import { EXIT_REFUSED, EXIT_UNAUTHORISED, EXIT_UNREACHABLE, EXIT_USAGE, type CliRuntime } from './runtime.js';

/** What a client command's action works with: the SDK client and the chosen output mode. */
export interface ClientContext {
  client: SwitchboardClient;
  connection: ClientConfig;
  runtime: CliRuntime;
  /** `--json`: the server's JSON on stdout instead of tables. */
  json: boolean;
  style: Style;
  /** Prints `doc` as one JSON document with `--json`, else the text `human` renders. */
  print(doc: unknown, human: () => string): void;
  /** Where the client's sockets report their errors (a dropped connection it retries, a refused handshake); ignored until set. */
  onSocketError(handler: (err: Error) => void): void;
}

/** The global options every client command reads (program.ts declares them). */
interface GlobalOptions {
  url?: string;
  token?: string;
  json?: boolean;
}

/**
 * A commander action for a command that talks to a server: reads the connection once
 * (`--url`/`--token` over the environment, config.ts), makes the SDK client, runs `run`, and
 * turns what went wrong into the message and exit code docs/cli.md lists. Commander calls an
 * action with the positional arguments, then the options, then the command; `run` gets the
 * context, the options and the positionals.
 */
export function clientAction<Options, Args extends unknown[] = []>(
  runtime: CliRuntime,
  run: (ctx: ClientContext, options: Options, ...args: Args) => Promise<void>,
): (...params: unknown[]) => Promise<void> {
  return async (...params) => {
    const command = params.at(-1) as Command;
    const globals = command.optsWithGlobals<GlobalOptions>();
    let connection: ClientConfig;
    try {
      connection = loadProcessClientConfig({ url: globals.url, token: globals.token });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      runtime.err(`error: ${err.message}\n`);
      return runtime.exit(EXIT_USAGE);
    }
    let socketError: (err: Error) => void = () => undefined;
    const client = createClient({ url: connection.url, token: connection.token ?? undefined, onError: (err) => socketError(err) });
    const json = globals.json === true;
    const ctx: ClientContext = {
      client,
      connection,
      runtime,
      json,
      style: createStyle(runtime.color),
      print: (doc, human) => runtime.out(json ? `${JSON.stringify(doc, null, 2)}\n` : human()),
      onSocketError: (handler) => (socketError = handler),
    };
    try {
      await run(ctx, params.at(-2) as Options, ...(params.slice(0, -2) as Args));
    } catch (err) {
      const code = reportFailure(err, ctx);
      if (code === null) throw err;
      runtime.exit(code);
    } finally {
      client.close();
    }
  };
}

/**
 * Says on stderr why a call failed and answers its exit code, or null for a failure that is
 * not the server's nor the network's (a bug: main.ts prints its stack). With `--json` the
 * message is one JSON object, so a script reads the server's `code` without parsing prose.
 */
function reportFailure(err: unknown, ctx: Pick<ClientContext, 'connection' | 'runtime' | 'json'>): number | null {
  if (err instanceof SwitchboardApiError) {
    const exit = err.code === 'UNAUTHENTICATED' || err.code === 'FORBIDDEN' ? EXIT_UNAUTHORISED : EXIT_REFUSED;
    const hint = exit === EXIT_UNAUTHORISED ? authHint(ctx.connection) : '';
    say(
      ctx,
      { error: err.message, code: err.code, status: err.status, details: err.details },
      `${err.message} (${err.code})${detailText(err.details)}${hint}`,
    );
    return exit;
  }
  if (err instanceof SwitchboardClientError) {
    const what =
      err.code === 'NETWORK'
        ? `cannot reach the server at ${ctx.connection.url}`
        : `the server at ${ctx.connection.url} did not answer as Switchboard does`;
    say(ctx, { error: err.message, code: err.code, status: err.status }, `${what}: ${err.message} (${err.code})`);
    return EXIT_UNREACHABLE;
  }
  return null;
}

function say(ctx: Pick<ClientContext, 'runtime' | 'json'>, doc: Record<string, unknown>, text: string): void {
  // A server message may quote what a client sent (an id, a title): shown, never run as terminal controls.
  ctx.runtime.err(ctx.json ? `${JSON.stringify(doc)}\n` : `error: ${text.split('\n').map(clean).join('\n')}\n`);
}

/** The one detail a reader acts on: which field (the rest is in `--json`'s `details`). */
function detailText(details: Readonly<Record<string, unknown>>): string {
  return typeof details['field'] === 'string' ? ` [field ${details['field']}]` : '';
}

function authHint(connection: ClientConfig): string {
  return connection.token === null
    ? '\nhint: pass a token with --token or SWITCHBOARD_TOKEN (switchboard token admin mints an admin one on the server machine)'
    : '';
}
