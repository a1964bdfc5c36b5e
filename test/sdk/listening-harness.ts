import type { AddressInfo } from 'node:net';
import { startHarness, type Harness, type HarnessOptions } from '../support/api-harness.js';

/** The real app of {@link startHarness}, listening on loopback: the SDK speaks real HTTP (fetch), not inject. */
export interface ListeningHarness extends Harness {
  url: string;
}

/** Starts the harness and listens on a free port; `close()` stops both. */
export async function startListeningHarness(options: HarnessOptions = {}): Promise<ListeningHarness> {
  const h = await startHarness(options);
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  return Object.assign(h, { url: `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}` });
}
