import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request as a receiver saw it, with what verifying its signature gave. */
export interface ReceivedWebhook {
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The payload `standardwebhooks` returned, or the reason it refused the signature. */
  verified: { ok: true; payload: { type: string; timestamp: string; data: Record<string, unknown> } } | { ok: false; error: string };
  status: number;
}

/**
 * A real webhook receiver on loopback that verifies every signature with the `standardwebhooks`
 * package, as a customer would. It can go down (the port refuses connections) and come back on
 * the same port, hang (accept and never answer), or answer a scripted status.
 */
export async function startWebhookReceiver(port = 0) {
  const received: ReceivedWebhook[] = [];
  let secret: string | null = null;
  let answer: (req: { id: string }) => number = () => 200;
  let hang = false;
  let hung = 0;
  let server: Server | null = null;
  let boundPort = port;

  const listen = async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (hang) {
          hung++;
          return; // accepted, never answered: the sender's timeout decides
        }
        const body = Buffer.concat(chunks).toString('utf8');
        const id = String(req.headers['webhook-id'] ?? '');
        let verified: ReceivedWebhook['verified'];
        try {
          if (secret === null) throw new Error('no secret set');
          const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
          verified = { ok: true, payload: new Webhook(secret).verify(body, headers) as never };
        } catch (err) {
          verified = { ok: false, error: err instanceof Error ? err.message : String(err) };
        }
        const status = verified.ok ? answer({ id }) : 401;
        received.push({ id, headers: req.headers, body, verified, status });
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(status < 300 ? 'ok' : 'no');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server?.once('error', reject);
      server?.listen(boundPort, '127.0.0.1', resolve);
    });
    boundPort = (server?.address() as AddressInfo).port;
  };
  await listen();

  return {
    get url() {
      return `http://127.0.0.1:${boundPort}/hook`;
    },
    received,
    /** Acknowledged (2xx) requests only. */
    acknowledged: () => received.filter((r) => r.status < 300),
    setSecret(value: string) {
      secret = value;
    },
    respond(fn: (req: { id: string }) => number) {
      answer = fn;
    },
    /** Requests accepted and left unanswered while hanging. */
    get hung() {
      return hung;
    },
    setHang(value: boolean) {
      hang = value;
    },
    /** Stops listening: connections to the port are refused until `up()`. */
    async down() {
      const s = server;
      server = null;
      if (s === null) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    up: listen,
    close() {
      return this.down();
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
