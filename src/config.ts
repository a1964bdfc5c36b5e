import { DEFAULT_ESCALATION, parseEscalation, type EscalationPolicy } from './core/escalation.js';
import { DEFAULT_POLICY, type Policy } from './core/policy.js';
import { PRIORITIES, type Priority } from './core/task.js';
import { ROLES, type Role } from './services/auth.js';
import type { DispatchMode } from './services/orchestrator-deps.js';
import { TRUST_PROXY_PRESETS, trustEntryProblem, type TrustProxy } from './services/trust-proxy.js';

/** Log levels pino (Fastify's logger) understands. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** A pino log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The seed's port, so its dashboard and scripts find us where they found it. */
export const PORT_DEFAULT = 3000;
/** Loopback by default: exposing the API is a decision, not an accident. */
export const HOST_DEFAULT = '127.0.0.1';
/** Embedded SQLite under ./data: zero configuration (DESIGN §6). */
export const DATA_FILE_DEFAULT = './data/switchboard.db';
/** Automatic: work is matched the moment it or a free agent appears. */
export const DISPATCH_DEFAULT: DispatchMode = 'auto';
/** 1 MiB: far above any real task, far below what could exhaust memory. */
export const BODY_LIMIT_DEFAULT_BYTES = 1_048_576;
/** A larger body than this is a mistake, not a task: refuse the setting rather than invite memory exhaustion. */
export const BODY_LIMIT_MAX_BYTES = 64 * 1_048_576;
/** Prometheus metrics at /metrics: on, behind the `read` permission like every other read (docs/metrics.md). */
export const METRICS_DEFAULT = 'on';
/** Start-up, shutdown and warnings, without per-request noise beyond pino's request lines. */
export const LOG_LEVEL_DEFAULT: LogLevel = 'info';

/**
 * Notification delivery defaults (docs/notifications.md). Twelve attempts doubling from 1 s (capped
 * at 5 min) span 9 to 18 minutes with the jitter: a receiver restarting, redeployed or briefly down
 * loses nothing, and one gone for good is declared dead within the quarter hour or so.
 */
export const NOTIFY_DEFAULTS = Object.freeze({
  pollMs: 1_000,
  batchSize: 20,
  timeoutMs: 10_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 300_000,
  maxAttempts: 12,
  channelCacheMs: 2_000,
});

/** How notifications are delivered; see {@link NOTIFY_DEFAULTS}. */
export interface NotifyConfig {
  /** Where the dashboard is reachable (links in notifications); null leaves links out. */
  readonly publicUrl: string | null;
  readonly pollMs: number;
  readonly batchSize: number;
  readonly timeoutMs: number;
  readonly backoff: { readonly baseMs: number; readonly maxMs: number; readonly maxAttempts: number };
  /** How long a node trusts its cached channel list: another node's channel change is seen within it. */
  readonly channelCacheMs: number;
}

/**
 * Everything the process is configured with, read once from the environment and the
 * command line by {@link loadConfig} and frozen. server.ts passes pieces of it on;
 * nothing else in the project reads `process.env` (style rule 12).
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** SQLite file used when no `databaseUrl` is given. */
  readonly dataFile: string;
  /** PostgreSQL connection string; when set it replaces the SQLite file. */
  readonly databaseUrl: string | null;
  /** SQLite's `synchronous` level: FULL (every acknowledged write survives power loss) or NORMAL. */
  readonly sqliteSynchronous: 'full' | 'normal';
  readonly dispatch: DispatchMode;
  /** Load the seed system's demo tasks and agents into an empty store. */
  readonly demo: boolean;
  /** Role of a request or socket without a token; `none` requires a token everywhere. */
  readonly anonymousRole: Role | 'none';
  readonly bodyLimitBytes: number;
  readonly logLevel: LogLevel;
  /** Which peers' `X-Forwarded-For` names the client (rate limits, logs), for HTTP and Socket.io alike. */
  readonly trustProxy: TrustProxy;
  /** Serve Prometheus metrics at /metrics and collect them (SWITCHBOARD_METRICS). */
  readonly metrics: boolean;
  readonly policy: Readonly<Policy>;
  readonly notify: NotifyConfig;
  /** Steps after an SLA violation beyond notifying. */
  readonly escalation: EscalationPolicy;
}

/** A setting that cannot be used; the message names the variable so the operator can fix it at once. */
export class ConfigError extends Error {
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(message);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

/**
 * One line per setting: the variable, its default and what it does. The README and
 * docs/configuration.md are written from this table, so defaults are documented once.
 */
export const CONFIG_VARIABLES: readonly { variable: string; default: string; description: string }[] = Object.freeze([
  { variable: 'PORT', default: String(PORT_DEFAULT), description: 'HTTP and Socket.io port (0 = any free port).' },
  {
    variable: 'HOST',
    default: HOST_DEFAULT,
    description: 'Interface to listen on. A loopback host makes anonymous requests operators by default.',
  },
  { variable: 'SWITCHBOARD_DATA', default: DATA_FILE_DEFAULT, description: 'SQLite database file (ignored when DATABASE_URL is set).' },
  {
    variable: 'SWITCHBOARD_SQLITE_SYNCHRONOUS',
    default: 'full',
    description:
      'full: every acknowledged write is on disk, power loss included (commits are grouped to share the fsync); normal: survives a process crash, may lose the last commits on power loss.',
  },
  { variable: 'DATABASE_URL', default: '(unset)', description: 'postgres:// connection string; switches storage to PostgreSQL.' },
  {
    variable: 'SWITCHBOARD_DISPATCH',
    default: DISPATCH_DEFAULT,
    description: 'auto: match work as soon as it or an agent appears; manual: only on assign, queue/next and claim.',
  },
  {
    variable: 'SWITCHBOARD_DEMO',
    default: '0',
    description: 'Set to 1 (or pass --demo) to load the demo tasks and agents into an empty store.',
  },
  {
    variable: 'SWITCHBOARD_ANONYMOUS_ROLE',
    default: 'operator on a loopback HOST, else none',
    description: 'Role given to requests without a token: none, viewer, operator or admin.',
  },
  {
    variable: 'SWITCHBOARD_BODY_LIMIT',
    default: String(BODY_LIMIT_DEFAULT_BYTES),
    description: 'Largest accepted request body, in bytes.',
  },
  { variable: 'LOG_LEVEL', default: LOG_LEVEL_DEFAULT, description: `One of ${LOG_LEVELS.join(', ')}.` },
  {
    variable: 'SWITCHBOARD_TRUST_PROXY',
    default: 'false',
    description:
      'Whose X-Forwarded-For names the client (rate limits, logs) on HTTP and Socket.io: false (nobody), true (every hop: only when the proxy is the sole way in), or a comma list of proxy addresses, CIDR ranges and loopback, linklocal, uniquelocal. No hop counts.',
  },
  {
    variable: 'SWITCHBOARD_METRICS',
    default: METRICS_DEFAULT,
    description: 'on: serve Prometheus metrics at /metrics (read permission, see docs/metrics.md); off: no route and nothing collected.',
  },
  {
    variable: 'SWITCHBOARD_OFFER_TIMEOUT_MS',
    default: String(DEFAULT_POLICY.offerTimeoutMs),
    description: 'How long an offer waits to be started before the task is requeued; 0 disables.',
  },
  {
    variable: 'SWITCHBOARD_LEASE_MS',
    default: String(DEFAULT_POLICY.leaseMs),
    description: 'How long a running task stays held without a heartbeat or progress; 0 disables.',
  },
  {
    variable: 'SWITCHBOARD_RETRY_BASE_MS',
    default: String(DEFAULT_POLICY.retryBaseMs),
    description: 'First retry backoff after a failed attempt (doubles per attempt).',
  },
  {
    variable: 'SWITCHBOARD_RETRY_MAX_MS',
    default: String(DEFAULT_POLICY.retryMaxMs),
    description: 'Largest retry backoff; at least SWITCHBOARD_RETRY_BASE_MS.',
  },
  {
    variable: 'SWITCHBOARD_AGING_STEP_MS',
    default: String(DEFAULT_POLICY.agingStepMs),
    description: 'Waiting this long raises a pending task one queue rank; 0 disables aging.',
  },
  ...PRIORITIES.map((p) => ({
    variable: `SWITCHBOARD_SLA_${p}_MS`,
    default: String(DEFAULT_POLICY.slaByPriorityMs[p]),
    description: `SLA window of a ${p} task that gives no slaDeadline.`,
  })),
  {
    variable: 'SWITCHBOARD_SLA_WARNING_RATIO',
    default: String(DEFAULT_POLICY.slaWarningRatio),
    description: 'Share of the SLA window after which task.sla_warning fires (0 < ratio <= 1).',
  },
  {
    variable: 'SWITCHBOARD_PUBLIC_URL',
    default: '(unset)',
    description: 'Where people reach the dashboard (http:// or https://); notifications link to /tasks/<id> under it.',
  },
  {
    variable: 'SWITCHBOARD_NOTIFY_POLL_MS',
    default: String(NOTIFY_DEFAULTS.pollMs),
    description: 'How often each node looks for due notifications (retries, other nodes’ leftovers); new ones go at once.',
  },
  {
    variable: 'SWITCHBOARD_NOTIFY_TIMEOUT_MS',
    default: String(NOTIFY_DEFAULTS.timeoutMs),
    description: 'Longest wait for one notification send; a claim is leased for twice this plus a second.',
  },
  {
    variable: 'SWITCHBOARD_NOTIFY_BACKOFF_BASE_MS',
    default: String(NOTIFY_DEFAULTS.backoffBaseMs),
    description: 'Delay before the second attempt of a failed notification; doubles per attempt, with jitter.',
  },
  {
    variable: 'SWITCHBOARD_NOTIFY_BACKOFF_MAX_MS',
    default: String(NOTIFY_DEFAULTS.backoffMaxMs),
    description: 'Largest delay between two attempts; at least SWITCHBOARD_NOTIFY_BACKOFF_BASE_MS.',
  },
  {
    variable: 'SWITCHBOARD_NOTIFY_MAX_ATTEMPTS',
    default: String(NOTIFY_DEFAULTS.maxAttempts),
    description: 'Attempts before a notification is dead (kept, listed, retryable by an admin).',
  },
  {
    variable: 'SWITCHBOARD_NOTIFY_BATCH',
    default: String(NOTIFY_DEFAULTS.batchSize),
    description: 'Notifications one node claims and sends at once.',
  },
  {
    variable: 'SWITCHBOARD_NOTIFY_CHANNEL_CACHE_MS',
    default: String(NOTIFY_DEFAULTS.channelCacheMs),
    description: 'How long a node caches the channel list; a channel changed on another node applies within it.',
  },
  {
    variable: 'SWITCHBOARD_ESCALATION',
    default: '{} (notify only)',
    description: 'JSON by priority of what an SLA violation does beyond notifying, e.g. {"P1":{"raisePriority":true,"reassign":true}}.',
  },
]);

/** Command-line options `loadConfig` understands; anything else starting with `--` is refused. */
export const KNOWN_OPTIONS = ['--demo'] as const;

/**
 * `switchboard serve`'s flags, already parsed by the CLI, and the variable each one stands
 * in for. A flag wins over its variable and is validated by the same rule; an error names both.
 */
export const SERVE_FLAG_VARIABLES = Object.freeze({ port: 'PORT', host: 'HOST', data: 'SWITCHBOARD_DATA' } as const);

/** Values of {@link SERVE_FLAG_VARIABLES} as typed on the command line, plus `--demo`. */
export type ServeFlags = { readonly [F in keyof typeof SERVE_FLAG_VARIABLES]?: string } & { readonly demo?: boolean };

/**
 * Reads, validates and freezes the configuration. Throws {@link ConfigError} naming the
 * first bad variable, so a typo stops the process at start-up instead of surfacing
 * later as odd behaviour. `argv` is `process.argv` (the first two entries are skipped).
 */
export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[], flags: ServeFlags = {}): Config {
  const read = reader(env, flags);
  const options = parseOptions(argv);
  const host = read.string('HOST') ?? HOST_DEFAULT;
  const retryBaseMs = read.integer('SWITCHBOARD_RETRY_BASE_MS', DEFAULT_POLICY.retryBaseMs, { min: 0 });
  const retryMaxMs = read.integer('SWITCHBOARD_RETRY_MAX_MS', DEFAULT_POLICY.retryMaxMs, { min: 0 });
  if (retryMaxMs < retryBaseMs) {
    throw new ConfigError(
      'SWITCHBOARD_RETRY_MAX_MS',
      `Invalid SWITCHBOARD_RETRY_MAX_MS: expected at least SWITCHBOARD_RETRY_BASE_MS (${retryBaseMs}), got "${retryMaxMs}"`,
    );
  }
  const backoffBaseMs = read.integer('SWITCHBOARD_NOTIFY_BACKOFF_BASE_MS', NOTIFY_DEFAULTS.backoffBaseMs, { min: 1 });
  const backoffMaxMs = read.integer('SWITCHBOARD_NOTIFY_BACKOFF_MAX_MS', NOTIFY_DEFAULTS.backoffMaxMs, { min: 1 });
  if (backoffMaxMs < backoffBaseMs) {
    throw new ConfigError(
      'SWITCHBOARD_NOTIFY_BACKOFF_MAX_MS',
      `Invalid SWITCHBOARD_NOTIFY_BACKOFF_MAX_MS: expected at least SWITCHBOARD_NOTIFY_BACKOFF_BASE_MS (${backoffBaseMs}), got "${backoffMaxMs}"`,
    );
  }
  const slaByPriorityMs = {} as Record<Priority, number>;
  for (const p of PRIORITIES) slaByPriorityMs[p] = read.integer(`SWITCHBOARD_SLA_${p}_MS`, DEFAULT_POLICY.slaByPriorityMs[p], { min: 1 });

  const config: Config = {
    port: read.integer('PORT', PORT_DEFAULT, { min: 0, max: 65_535 }),
    host,
    dataFile: read.string('SWITCHBOARD_DATA') ?? DATA_FILE_DEFAULT,
    databaseUrl: read.databaseUrl('DATABASE_URL'),
    sqliteSynchronous: read.oneOf('SWITCHBOARD_SQLITE_SYNCHRONOUS', ['full', 'normal'] as const, 'full'),
    dispatch: read.oneOf('SWITCHBOARD_DISPATCH', ['auto', 'manual'] as const, DISPATCH_DEFAULT),
    demo: options.demo || flags.demo === true || read.flag('SWITCHBOARD_DEMO'),
    anonymousRole: read.oneOf(
      'SWITCHBOARD_ANONYMOUS_ROLE',
      ['none', ...ROLES.filter((r) => r !== 'agent')] as const,
      isLoopbackHost(host) ? 'operator' : 'none',
    ),
    bodyLimitBytes: read.integer('SWITCHBOARD_BODY_LIMIT', BODY_LIMIT_DEFAULT_BYTES, { min: 1, max: BODY_LIMIT_MAX_BYTES }),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, LOG_LEVEL_DEFAULT),
    trustProxy: read.trustProxy('SWITCHBOARD_TRUST_PROXY'),
    metrics: read.oneOf('SWITCHBOARD_METRICS', ['on', 'off'] as const, METRICS_DEFAULT) === 'on',
    policy: {
      slaByPriorityMs,
      slaWarningRatio: read.ratio('SWITCHBOARD_SLA_WARNING_RATIO', DEFAULT_POLICY.slaWarningRatio),
      offerTimeoutMs: read.integer('SWITCHBOARD_OFFER_TIMEOUT_MS', DEFAULT_POLICY.offerTimeoutMs, { min: 0 }),
      leaseMs: read.integer('SWITCHBOARD_LEASE_MS', DEFAULT_POLICY.leaseMs, { min: 0 }),
      retryBaseMs,
      retryMaxMs,
      agingStepMs: read.integer('SWITCHBOARD_AGING_STEP_MS', DEFAULT_POLICY.agingStepMs, { min: 0 }),
    },
    notify: {
      publicUrl: read.httpUrl('SWITCHBOARD_PUBLIC_URL'),
      pollMs: read.integer('SWITCHBOARD_NOTIFY_POLL_MS', NOTIFY_DEFAULTS.pollMs, { min: 10 }),
      batchSize: read.integer('SWITCHBOARD_NOTIFY_BATCH', NOTIFY_DEFAULTS.batchSize, { min: 1, max: 1_000 }),
      timeoutMs: read.integer('SWITCHBOARD_NOTIFY_TIMEOUT_MS', NOTIFY_DEFAULTS.timeoutMs, { min: 1 }),
      backoff: {
        baseMs: backoffBaseMs,
        maxMs: backoffMaxMs,
        maxAttempts: read.integer('SWITCHBOARD_NOTIFY_MAX_ATTEMPTS', NOTIFY_DEFAULTS.maxAttempts, { min: 1 }),
      },
      channelCacheMs: read.integer('SWITCHBOARD_NOTIFY_CHANNEL_CACHE_MS', NOTIFY_DEFAULTS.channelCacheMs, { min: 0 }),
    },
    escalation: read.escalation('SWITCHBOARD_ESCALATION'),
  };
  return deepFreeze(config);
}

/**
 * The configuration of this process: `loadConfig(process.env, argv)`. Lives here so
 * config.ts stays the only module that touches `process.env` (style rule 12). A command
 * with options of its own (`npm run token`) passes `[]`: its options are not settings.
 */
export function loadProcessConfig(argv: readonly string[] = process.argv, flags: ServeFlags = {}): Config {
  return loadConfig(process.env, argv, flags);
}

/** Where the CLI finds a server when neither `--url` nor SWITCHBOARD_URL says: `npm start`'s default address. */
export const CLIENT_URL_DEFAULT = `http://${HOST_DEFAULT}:${PORT_DEFAULT}`;

/** How a client command (the CLI over the SDK) reaches a server: read once, like the server's {@link Config}. */
export interface ClientConfig {
  /** Base URL of the server, without a trailing slash. */
  readonly url: string;
  /** API token sent as a bearer token; null relies on the server's anonymous role. */
  readonly token: string | null;
}

/**
 * The connection of a client command: `--url` over SWITCHBOARD_URL over {@link CLIENT_URL_DEFAULT},
 * `--token` over SWITCHBOARD_TOKEN. Throws {@link ConfigError} naming the flag or variable.
 */
export function loadClientConfig(env: NodeJS.ProcessEnv, flags: { url?: string; token?: string }): ClientConfig {
  const pick = (flag: string | undefined, variable: string) => {
    const value = flag ?? env[variable];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const url = pick(flags.url, 'SWITCHBOARD_URL') ?? CLIENT_URL_DEFAULT;
  if (!/^https?:\/\/[^/\s]+/i.test(url) || !URL.canParse(url)) {
    const name = flags.url !== undefined ? '--url' : 'SWITCHBOARD_URL';
    throw new ConfigError(name, `Invalid ${name}: expected an http:// or https:// URL, got "${url}"`);
  }
  return Object.freeze({ url: url.replace(/\/+$/, ''), token: pick(flags.token, 'SWITCHBOARD_TOKEN') ?? null });
}

/** {@link loadClientConfig} of this process, so config.ts stays the only reader of `process.env`. */
export function loadProcessClientConfig(flags: { url?: string; token?: string }): ClientConfig {
  return loadClientConfig(process.env, flags);
}

/**
 * Whether a host name only accepts connections from this machine. Only then is it safe
 * to let token-less requests act as an operator, as the seed's dashboard and scripts expect.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(h);
}

function parseOptions(argv: readonly string[]): { demo: boolean } {
  let demo = false;
  for (const arg of argv.slice(2)) {
    if (!arg.startsWith('--')) continue;
    if (arg === '--demo') demo = true;
    else throw new ConfigError(arg, `Unknown option ${arg}: expected one of ${KNOWN_OPTIONS.join(', ')}`);
  }
  return { demo };
}

function reader(env: NodeJS.ProcessEnv, flags: ServeFlags) {
  const flagOf = (name: string) =>
    (Object.keys(SERVE_FLAG_VARIABLES) as (keyof typeof SERVE_FLAG_VARIABLES)[]).find(
      (f) => SERVE_FLAG_VARIABLES[f] === name && flags[f] !== undefined,
    );
  /** Unset and blank values both mean "use the default" (docker-compose passes `VAR=` for unset). */
  const raw = (name: string): string | undefined => {
    const flag = flagOf(name);
    const value = flag !== undefined ? flags[flag] : env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const invalid = (name: string, expected: string, got: string): ConfigError => {
    const flag = flagOf(name);
    return new ConfigError(name, `Invalid ${flag !== undefined ? `--${flag} (${name})` : name}: expected ${expected}, got "${got}"`);
  };

  return {
    string: raw,
    integer(name: string, fallback: number, bounds: { min: number; max?: number }): number {
      const value = raw(name);
      if (value === undefined) return fallback;
      const expected =
        bounds.max !== undefined
          ? `an integer from ${bounds.min} to ${bounds.max}`
          : bounds.min === 0
            ? 'a non-negative integer'
            : `an integer of at least ${bounds.min}`;
      if (!/^\d+$/.test(value)) throw invalid(name, expected, value);
      const n = Number(value);
      if (!Number.isSafeInteger(n) || n < bounds.min || (bounds.max !== undefined && n > bounds.max)) throw invalid(name, expected, value);
      return n;
    },
    ratio(name: string, fallback: number): number {
      const value = raw(name);
      if (value === undefined) return fallback;
      const n = /^\d*\.?\d+$/.test(value) ? Number(value) : Number.NaN;
      if (!(n > 0 && n <= 1)) throw invalid(name, 'a number greater than 0 and at most 1', value);
      return n;
    },
    oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
      const value = raw(name);
      if (value === undefined) return fallback;
      const match = allowed.find((a) => a === value.toLowerCase());
      if (match === undefined) throw invalid(name, `one of ${allowed.join(', ')}`, value);
      return match;
    },
    flag(name: string): boolean {
      const value = raw(name);
      if (value === undefined) return false;
      const v = value.toLowerCase();
      if (v === '1' || v === 'true' || v === 'yes') return true;
      if (v === '0' || v === 'false' || v === 'no') return false;
      throw invalid(name, '1 or 0 (true/false, yes/no)', value);
    },
    trustProxy(name: string): TrustProxy {
      const value = raw(name);
      if (value === undefined) return false;
      const v = value.toLowerCase();
      if (v === 'false' || v === '0' || v === 'no') return false;
      if (v === 'true' || v === 'yes') return true;
      const expected = `true, false, or a comma list of addresses, CIDR ranges and ${Object.keys(TRUST_PROXY_PRESETS).join(', ')}`;
      if (/^\d+$/.test(v)) throw invalid(name, `${expected} (a hop count cannot tell a proxy from a client that sends enough hops)`, value);
      const entries = v
        .split(',')
        .map((e) => e.trim())
        .filter((e) => e !== '');
      const problem = entries.map(trustEntryProblem).find((p) => p !== null);
      if (problem !== undefined && problem !== null) throw invalid(name, `${expected}: ${problem}`, value);
      return entries;
    },
    httpUrl(name: string): string | null {
      const value = raw(name);
      if (value === undefined) return null;
      if (!/^https?:\/\/[^/\s]+/i.test(value) || !URL.canParse(value)) throw invalid(name, 'an http:// or https:// URL', value);
      return value.replace(/\/+$/, '');
    },
    escalation(name: string): EscalationPolicy {
      const value = raw(name);
      if (value === undefined) return DEFAULT_ESCALATION;
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        throw invalid(name, 'JSON, e.g. {"P1":{"raisePriority":true}}', value);
      }
      const policy = parseEscalation(parsed);
      if (typeof policy === 'string') throw invalid(name, policy, value);
      return policy;
    },
    databaseUrl(name: string): string | null {
      const value = raw(name);
      if (value === undefined) return null;
      if (!/^postgres(ql)?:\/\//i.test(value)) throw invalid(name, 'a postgres:// or postgresql:// connection string', redactUrl(value));
      return value;
    },
  };
}

/** Never echo a password from a connection string into a log or an error message. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * The environment `switchboard run` hands its agent CLIs: this process's (PATH, HOME, the CLIs'
 * own keys), without SWITCHBOARD_TOKEN: the runner's token may report on every task its agent
 * holds, and a child following a task's text must not be able to.
 */
export function loadProcessChildEnvironment(): Readonly<Record<string, string | undefined>> {
  const { SWITCHBOARD_TOKEN: _runnerToken, ...environment } = process.env;
  return Object.freeze(environment);
}
