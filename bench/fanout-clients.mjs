/**
 * The Socket.io clients of the fan-out section, run as their own process by
 * bench/fanout.ts so their decoding never runs on the server's event loop.
 *
 * Usage: node bench/fanout-clients.mjs '<json>' with { url, sockets, batch }. Connects
 * every socket (websocket transport, as the dashboard does; with `batch`, asking for
 * `auth.batch: true` and unpacking the frames), prints `{"ready":N}`, then waits
 * for one stdin line `{"expect":n}`: the number of tasks the load created. It answers
 * with one JSON line saying how many sockets received every one of them, both as the
 * seed's `task:created` and as the generic `event`, and exits.
 */
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';

const spec = JSON.parse(process.argv[2] ?? '{}');
const count = spec.sockets ?? 500;
/** Connecting in waves keeps the server's accept queue and the handshakes' CPU bounded. */
const CONNECT_WAVE = 50;
/** How long after the load stops the last socket may still be catching up. */
const DELIVERY_TIMEOUT_MS = 60_000;

const clients = [];
for (let i = 0; i < count; i += CONNECT_WAVE) {
  const wave = [];
  for (let j = i; j < Math.min(count, i + CONNECT_WAVE); j++) {
    const socket = io(spec.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { batch: spec.batch === true } });
    const client = { socket, created: new Set(), generic: new Set() };
    const receive = (name, payload) => {
      if (name === 'task:created') client.created.add(payload.task.id);
      else if (name === 'event' && payload.type === 'task.created') client.generic.add(payload.taskId);
    };
    socket.on('task:created', (p) => receive('task:created', p));
    socket.on('event', (e) => receive('event', e));
    socket.on('batch', (b) => {
      for (const m of b.messages) receive(m.name, m.payload);
    });
    clients.push(client);
    wave.push(
      new Promise((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      }),
    );
  }
  await Promise.all(wave);
}
process.stdout.write(`${JSON.stringify({ ready: clients.length })}\n`);

const lines = createInterface({ input: process.stdin });
const [line] = await lines[Symbol.asyncIterator]()
  .next()
  .then((r) => [r.value]);
const expected = JSON.parse(line ?? '{}').expect ?? 0;
const started = Date.now();
const complete = (c) => c.created.size >= expected && c.generic.size >= expected;
while (!clients.every(complete) && Date.now() - started < DELIVERY_TIMEOUT_MS) await new Promise((r) => setTimeout(r, 50));
const sizes = clients.map((c) => Math.min(c.created.size, c.generic.size));
process.stdout.write(
  `${JSON.stringify({
    sockets: clients.length,
    expected,
    complete: clients.filter(complete).length,
    minReceived: Math.min(...sizes),
    maxReceived: Math.max(...sizes),
    stillConnected: clients.filter((c) => c.socket.connected).length,
    catchUpMs: Date.now() - started,
  })}\n`,
);
for (const c of clients) c.socket.disconnect();
lines.close();
process.exit(0);
