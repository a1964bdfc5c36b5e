/** The peers section's command-line options (`npm run bench -- peers --jobs 200 ...`). */
import { parseArgs } from 'node:util';

export const SYSTEMS = ['bullmq', 'graphile', 'sqlite', 'sqlite-auto', 'pg', 'pg-auto', 'http', 'raw-sqlite', 'raw-pg'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export interface PeersOptions {
  systems: SystemName[];
  jobs: number;
  passes: number;
  /** Measured seconds per paced rate (after the 1 s warm-up). */
  durationSec: number;
  rates: number[];
  graceSec: number;
  /** Workers per system: BullMQ/graphile-worker concurrency, Switchboard agents. */
  workers: number;
  /** Adds outstanding at once while enqueueing. */
  inFlight: number;
  /** Child processes hosting the HTTP agents. */
  agentProcesses: number;
  /** Seconds the raw store limit loops run. */
  rawSec: number;
}

const PEERS_USAGE = `npm run bench -- peers [--systems ${SYSTEMS.join(',')}] [--jobs 20000] [--passes 2]
  [--duration 5] [--rates 100,500] [--grace 10] [--workers 50] [--in-flight 50] [--agent-processes 10] [--raw-seconds 3]`;

/** The options after `peers`; a mistake throws with the usage line. */
export function parsePeersOptions(argv: readonly string[]): PeersOptions {
  try {
    return parse(argv);
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\nusage: ${PEERS_USAGE}`);
  }
}

function parse(argv: readonly string[]): PeersOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      systems: { type: 'string' },
      jobs: { type: 'string' },
      passes: { type: 'string' },
      duration: { type: 'string' },
      rates: { type: 'string' },
      grace: { type: 'string' },
      workers: { type: 'string' },
      'in-flight': { type: 'string' },
      'agent-processes': { type: 'string' },
      'raw-seconds': { type: 'string' },
    },
  });
  if (!positionals.includes('peers')) throw new Error('peers options without the peers section');
  const systems = values.systems === undefined ? [...SYSTEMS] : values.systems.split(',').map((s) => s.trim());
  for (const s of systems)
    if (!(SYSTEMS as readonly string[]).includes(s)) throw new Error(`unknown system "${s}": one of ${SYSTEMS.join(', ')}`);
  return {
    systems: systems as SystemName[],
    jobs: positive('jobs', values.jobs, 20_000),
    passes: positive('passes', values.passes, 2),
    durationSec: positive('duration', values.duration, 5),
    rates: (values.rates ?? '100,500').split(',').map((r) => positive('rates', r, 0)),
    graceSec: positive('grace', values.grace, 10),
    workers: positive('workers', values.workers, 50),
    inFlight: positive('in-flight', values['in-flight'], 50),
    agentProcesses: positive('agent-processes', values['agent-processes'], 10),
    rawSec: positive('raw-seconds', values['raw-seconds'], 3),
  };
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`);
  return n;
}
