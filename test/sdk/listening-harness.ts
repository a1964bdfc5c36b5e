import type { AddressInfo } from 'node:net';
import { attachRealtime, type Realtime } from '../../src/realtime/gateway.js';
import { silentLogger } from '../../src/services/event-bus.js';
import { StaticAuthenticator, startHarness, type Harness, type HarnessOptions } from '../support/api-harness.js';

/** The real app of {@link startHarness}, listening on loopback with the real Socket.io gateway: the SDK speaks real HTTP and sockets. */
export interface ListeningHarness extends Harness {
  url: string;
  realtime: Realtime;
}

/** Starts the harness, attaches the gateway and listens on a free port; `close()` stops all three. */
export async function startListeningHarness(options: HarnessOptions = {}): Promise<ListeningHarness> {
  const h = await startHarness(options);
  const realtime = attachRealtime({
    httpServer: h.app.server,
    bus: h.bus,
    orchestrator: h.orchestrator,
    authenticator: new StaticAuthenticator(),
    anonymousRole: options.anonymousRole ?? 'operator',
    logger: silentLogger,
  });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const close = h.close.bind(h);
  return Object.assign(h, {
    url: `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`,
    realtime,
    async close() {
      await realtime.close();
      await close();
    },
  });
}
