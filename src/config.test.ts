import { DEFAULT_ESCALATION } from './core/escalation.js';
import { describe, expect, it } from 'vitest';
import { CLIENT_URL_DEFAULT, CONFIG_VARIABLES, ConfigError, isLoopbackHost, loadClientConfig, loadConfig } from './config.js';
import { DEFAULT_POLICY } from './core/policy.js';

const ARGV = ['node', 'src/main.ts'];

describe('loadConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    const config = loadConfig({}, ARGV);
    expect(config).toEqual({
      port: 3000,
      host: '127.0.0.1',
      dataFile: './data/switchboard.db',
      databaseUrl: null,
      sqliteSynchronous: 'full',
      dispatch: 'auto',
      demo: false,
      anonymousRole: 'operator',
      bodyLimitBytes: 1_048_576,
      logLevel: 'info',
      trustProxy: false,
      metrics: true,
      policy: DEFAULT_POLICY,
      notify: {
        publicUrl: null,
        pollMs: 1_000,
        batchSize: 20,
        timeoutMs: 10_000,
        backoff: { baseMs: 1_000, maxMs: 300_000, maxAttempts: 12 },
        channelCacheMs: 2_000,
      },
      escalation: DEFAULT_ESCALATION,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '0.0.0.0',
        SWITCHBOARD_DATA: '/tmp/x.db',
        DATABASE_URL: 'postgres://u:p@db:5432/sb',
        SWITCHBOARD_DISPATCH: 'manual',
        SWITCHBOARD_DEMO: '1',
        SWITCHBOARD_ANONYMOUS_ROLE: 'viewer',
        SWITCHBOARD_BODY_LIMIT: '2048',
        LOG_LEVEL: 'debug',
        SWITCHBOARD_TRUST_PROXY: '10.0.0.0/8, loopback,::1',
        SWITCHBOARD_METRICS: 'off',
        SWITCHBOARD_OFFER_TIMEOUT_MS: '1000',
        SWITCHBOARD_LEASE_MS: '0',
        SWITCHBOARD_RETRY_BASE_MS: '10',
        SWITCHBOARD_RETRY_MAX_MS: '20',
        SWITCHBOARD_AGING_STEP_MS: '30',
        SWITCHBOARD_SLA_P0_MS: '1',
        SWITCHBOARD_SLA_P1_MS: '2',
        SWITCHBOARD_SLA_P2_MS: '3',
        SWITCHBOARD_SLA_P3_MS: '4',
        SWITCHBOARD_SLA_WARNING_RATIO: '0.5',
        SWITCHBOARD_SQLITE_SYNCHRONOUS: 'NORMAL',
        SWITCHBOARD_PUBLIC_URL: 'https://sb.example.org/',
        SWITCHBOARD_NOTIFY_POLL_MS: '50',
        SWITCHBOARD_NOTIFY_TIMEOUT_MS: '60',
        SWITCHBOARD_NOTIFY_BACKOFF_BASE_MS: '70',
        SWITCHBOARD_NOTIFY_BACKOFF_MAX_MS: '80',
        SWITCHBOARD_NOTIFY_MAX_ATTEMPTS: '3',
        SWITCHBOARD_NOTIFY_BATCH: '5',
        SWITCHBOARD_NOTIFY_CHANNEL_CACHE_MS: '0',
        SWITCHBOARD_ESCALATION: '{"p1":{"raisePriority":true},"P2":{"reassign":true}}',
      },
      ARGV,
    );
    expect(config).toEqual({
      port: 8080,
      host: '0.0.0.0',
      dataFile: '/tmp/x.db',
      databaseUrl: 'postgres://u:p@db:5432/sb',
      sqliteSynchronous: 'normal',
      dispatch: 'manual',
      demo: true,
      anonymousRole: 'viewer',
      bodyLimitBytes: 2048,
      logLevel: 'debug',
      trustProxy: ['10.0.0.0/8', 'loopback', '::1'],
      metrics: false,
      policy: {
        slaByPriorityMs: { P0: 1, P1: 2, P2: 3, P3: 4 },
        slaWarningRatio: 0.5,
        offerTimeoutMs: 1000,
        leaseMs: 0,
        retryBaseMs: 10,
        retryMaxMs: 20,
        agingStepMs: 30,
      },
      notify: {
        publicUrl: 'https://sb.example.org',
        pollMs: 50,
        batchSize: 5,
        timeoutMs: 60,
        backoff: { baseMs: 70, maxMs: 80, maxAttempts: 3 },
        channelCacheMs: 0,
      },
      escalation: {
        P0: { raisePriority: false, reassign: false },
        P1: { raisePriority: true, reassign: false },
        P2: { raisePriority: false, reassign: true },
        P3: { raisePriority: false, reassign: false },
      },
    });
  });

  it('refuses an escalation policy it cannot read, and a backoff ceiling below its base', () => {
    expect(() => loadConfig({ SWITCHBOARD_ESCALATION: '{' }, ARGV)).toThrow(/Invalid SWITCHBOARD_ESCALATION: expected JSON/);
    expect(() => loadConfig({ SWITCHBOARD_ESCALATION: '{"P9":{}}' }, ARGV)).toThrow(/priority keys P0..P3, got "P9"/);
    expect(() => loadConfig({ SWITCHBOARD_ESCALATION: '{"P1":{"raise":true}}' }, ARGV)).toThrow(/only raisePriority and reassign/);
    expect(() => loadConfig({ SWITCHBOARD_NOTIFY_BACKOFF_BASE_MS: '10', SWITCHBOARD_NOTIFY_BACKOFF_MAX_MS: '5' }, ARGV)).toThrow(
      /SWITCHBOARD_NOTIFY_BACKOFF_MAX_MS/,
    );
    expect(() => loadConfig({ SWITCHBOARD_PUBLIC_URL: 'ftp://x' }, ARGV)).toThrow(/Invalid SWITCHBOARD_PUBLIC_URL/);
  });

  it('fails fast naming the variable and the bad value', () => {
    expect(() => loadConfig({ SWITCHBOARD_LEASE_MS: 'abc' }, ARGV)).toThrow(
      'Invalid SWITCHBOARD_LEASE_MS: expected a non-negative integer, got "abc"',
    );
    expect(() => loadConfig({ PORT: '70000' }, ARGV)).toThrow('Invalid PORT: expected an integer from 0 to 65535, got "70000"');
    expect(() => loadConfig({ PORT: '-1' }, ARGV)).toThrow(/Invalid PORT/);
    expect(() => loadConfig({ PORT: '3000.5' }, ARGV)).toThrow(/Invalid PORT/);
    expect(() => loadConfig({ SWITCHBOARD_DISPATCH: 'sometimes' }, ARGV)).toThrow(
      'Invalid SWITCHBOARD_DISPATCH: expected one of auto, manual, got "sometimes"',
    );
    expect(() => loadConfig({ SWITCHBOARD_ANONYMOUS_ROLE: 'agent' }, ARGV)).toThrow(/SWITCHBOARD_ANONYMOUS_ROLE/);
    expect(() => loadConfig({ SWITCHBOARD_SLA_WARNING_RATIO: '1.5' }, ARGV)).toThrow(/SWITCHBOARD_SLA_WARNING_RATIO/);
    expect(() => loadConfig({ SWITCHBOARD_SLA_WARNING_RATIO: '0' }, ARGV)).toThrow(/SWITCHBOARD_SLA_WARNING_RATIO/);
    expect(() => loadConfig({ SWITCHBOARD_SLA_P0_MS: '0' }, ARGV)).toThrow(/SWITCHBOARD_SLA_P0_MS/);
    expect(() => loadConfig({ SWITCHBOARD_BODY_LIMIT: '0' }, ARGV)).toThrow(/SWITCHBOARD_BODY_LIMIT/);
    expect(() => loadConfig({ SWITCHBOARD_DEMO: 'maybe' }, ARGV)).toThrow(/SWITCHBOARD_DEMO/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' }, ARGV)).toThrow(/LOG_LEVEL/);
    for (const bad of ['2', '10.0.0.0/33', 'proxy.local', '10.0.0.1/8/1'])
      expect(() => loadConfig({ SWITCHBOARD_TRUST_PROXY: bad }, ARGV), bad).toThrow(/SWITCHBOARD_TRUST_PROXY/);
    expect(loadConfig({ SWITCHBOARD_TRUST_PROXY: 'true' }, ARGV).trustProxy).toBe(true);
    expect(loadConfig({ SWITCHBOARD_TRUST_PROXY: 'false' }, ARGV).trustProxy).toBe(false);
    expect(() => loadConfig({ SWITCHBOARD_RETRY_BASE_MS: '100', SWITCHBOARD_RETRY_MAX_MS: '10' }, ARGV)).toThrow(
      /SWITCHBOARD_RETRY_MAX_MS/,
    );
  });

  it('throws a ConfigError carrying the variable name', () => {
    try {
      loadConfig({ SWITCHBOARD_LEASE_MS: 'abc' }, ARGV);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variable).toBe('SWITCHBOARD_LEASE_MS');
    }
  });

  it('never echoes a database password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db/x' }, ARGV)).toThrow(/DATABASE_URL/);
    try {
      loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db/x' }, ARGV);
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: '', SWITCHBOARD_LEASE_MS: '  ' }, ARGV).port).toBe(3000);
  });

  it('accepts --demo on the command line and refuses unknown options', () => {
    expect(loadConfig({}, [...ARGV, '--demo']).demo).toBe(true);
    expect(loadConfig({ SWITCHBOARD_DEMO: 'false' }, ARGV).demo).toBe(false);
    expect(() => loadConfig({}, [...ARGV, '--dmeo'])).toThrow('Unknown option --dmeo');
  });

  it('defaults the anonymous role to operator only on a loopback host', () => {
    expect(loadConfig({ HOST: 'localhost' }, ARGV).anonymousRole).toBe('operator');
    expect(loadConfig({ HOST: '::1' }, ARGV).anonymousRole).toBe('operator');
    expect(loadConfig({ HOST: '127.0.0.2' }, ARGV).anonymousRole).toBe('operator');
    expect(loadConfig({ HOST: '0.0.0.0' }, ARGV).anonymousRole).toBe('none');
    expect(loadConfig({ HOST: '192.168.1.10' }, ARGV).anonymousRole).toBe('none');
    expect(loadConfig({ HOST: '0.0.0.0', SWITCHBOARD_ANONYMOUS_ROLE: 'viewer' }, ARGV).anonymousRole).toBe('viewer');
    expect(loadConfig({ HOST: '127.0.0.1', SWITCHBOARD_ANONYMOUS_ROLE: 'none' }, ARGV).anonymousRole).toBe('none');
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig({}, ARGV);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.policy)).toBe(true);
    expect(Object.isFrozen(config.policy.slaByPriorityMs)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('documents every variable it reads', () => {
    const documented = new Set(CONFIG_VARIABLES.map((v) => v.variable));
    const read = new Set<string>();
    const spy = new Proxy(
      {},
      {
        get(_target, name) {
          if (typeof name === 'string') read.add(name);
          return undefined;
        },
      },
    );
    loadConfig(spy, ARGV);
    expect([...read].sort()).toEqual([...documented].sort());
  });
});

describe('switchboard serve flags', () => {
  it('a flag wins over its variable, is validated by its rule, and an error names both', () => {
    const config = loadConfig({ PORT: 'not-a-port', HOST: '0.0.0.0', SWITCHBOARD_DATA: '/env.db' }, ARGV, {
      port: '0',
      host: '127.0.0.1',
      data: '/flag.db',
      demo: true,
    });
    expect(config).toMatchObject({ port: 0, host: '127.0.0.1', dataFile: '/flag.db', demo: true, anonymousRole: 'operator' });
    let error: unknown;
    try {
      loadConfig({ PORT: '4000' }, ARGV, { port: '70000' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('PORT');
    expect((error as ConfigError).message).toBe('Invalid --port (PORT): expected an integer from 0 to 65535, got "70000"');
  });

  it('an unset flag leaves the variable in charge', () => {
    expect(loadConfig({ PORT: '4000' }, ARGV, { data: '/x.db' }).port).toBe(4000);
  });
});

describe('loadClientConfig', () => {
  it("defaults to npm start's address and no token", () => {
    expect(loadClientConfig({}, {})).toEqual({ url: CLIENT_URL_DEFAULT, token: null });
    expect(CLIENT_URL_DEFAULT).toBe('http://127.0.0.1:3000');
  });

  it('--url and --token win over SWITCHBOARD_URL and SWITCHBOARD_TOKEN; a trailing slash is dropped', () => {
    const env = { SWITCHBOARD_URL: 'http://env:1/', SWITCHBOARD_TOKEN: 'sbt_env' };
    expect(loadClientConfig(env, {})).toEqual({ url: 'http://env:1', token: 'sbt_env' });
    expect(loadClientConfig(env, { url: 'https://flag.example/', token: 'sbt_flag' })).toEqual({
      url: 'https://flag.example',
      token: 'sbt_flag',
    });
  });

  it('a URL that is not http(s) is refused, naming where it came from', () => {
    expect(() => loadClientConfig({ SWITCHBOARD_URL: 'ftp://x' }, {})).toThrow('Invalid SWITCHBOARD_URL');
    expect(() => loadClientConfig({}, { url: 'localhost:3000' })).toThrow('Invalid --url');
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['::1', true],
    ['[::1]', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.1', false],
    ['example.com', false],
    ['127.example.com', false],
  ])('%s -> %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
