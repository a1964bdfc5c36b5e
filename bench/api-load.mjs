/**
 * The load generator of section (c), run as its own process by bench/api-latency.ts so
 * autocannon never shares a CPU event loop with the server it measures (the figures would
 * otherwise include the generator's own work).
 *
 * Usage: node bench/api-load.mjs '<json>' with { url, method, body?, durationSec, connections }.
 * Prints one JSON line on stdout: requests/s, latency percentiles (ms), status counts.
 */
import autocannon from 'autocannon';

const spec = JSON.parse(process.argv[2] ?? '{}');
if (typeof spec.url !== 'string') {
  process.stderr.write('api-load: expected a JSON argument with at least { "url": "..." }\n');
  process.exit(2);
}

const result = await autocannon({
  url: spec.url,
  method: spec.method ?? 'GET',
  headers: spec.body === undefined ? {} : { 'content-type': 'application/json' },
  body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
  duration: spec.durationSec ?? 10,
  connections: spec.connections ?? 10,
});

process.stdout.write(
  `${JSON.stringify({
    requestsPerSec: result.requests.average,
    requests: result.requests.total,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.average,
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSec: result.duration,
    throughputBytesPerSec: result.throughput.average,
  })}\n`,
);
