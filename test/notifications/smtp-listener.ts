import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The login the client used, or null. */
  user: string | null;
  raw: string;
}

export interface SmtpListenerOptions {
  /** user -> password; when set, AUTH is required and checked. */
  users?: Record<string, string>;
  /** Recipients to refuse at RCPT TO with this reply, e.g. 550 mailbox unavailable. */
  refuse?: Record<string, { code: number; message: string }>;
  /** Offer STARTTLS (with smtp-server's bundled self-signed certificate). Off by default. */
  starttls?: boolean;
}

/** A real SMTP server (the `smtp-server` package) on loopback, recording every message it accepts. */
export async function startSmtpListener(options: SmtpListenerOptions = {}) {
  const received: ReceivedMail[] = [];
  let connections = 0;
  const users = options.users;
  const server = new SMTPServer({
    // Loopback only, so a plain-text login is fine here; production servers speak TLS.
    allowInsecureAuth: true,
    authOptional: users === undefined,
    disabledCommands: options.starttls === true ? [] : ['STARTTLS'],
    logger: false,
    closeTimeout: 1_000,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onAuth(auth, _session, callback) {
      if (users !== undefined && auth.username !== undefined && users[auth.username] === auth.password) {
        callback(null, { user: auth.username });
        return;
      }
      callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      const refusal = options.refuse?.[address.address];
      if (refusal === undefined) {
        callback();
        return;
      }
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        const to = session.envelope.rcptTo.map((r) => r.address);
        const user = typeof session.user === 'string' ? session.user : null;
        received.push({ from, to, user, raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The parts of a received message a test asserts on: headers, and the text and HTML bodies decoded. */
export function parseMail(raw: string): { headers: Map<string, string>; text: string | null; html: string | null } {
  const { headers, body } = splitHeaders(raw);
  const parts: Array<{ headers: Map<string, string>; body: string }> = [];
  const boundary = /boundary="?([^";]+)"?/i.exec(headers.get('content-type') ?? '')?.[1];
  if (boundary === undefined) parts.push({ headers, body });
  else {
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      parts.push(splitHeaders(chunk.replace(/^\r?\n/, '')));
    }
  }
  const bodyOf = (type: string) => {
    const part = parts.find((p) => (p.headers.get('content-type') ?? '').startsWith(type));
    // Mail travels with CRLF line ends; compare with what was rendered (LF).
    if (part === undefined) return null;
    return decode(part.body, part.headers.get('content-transfer-encoding') ?? '7bit').replace(/\r\n/g, '\n');
  };
  return { headers, text: bodyOf('text/plain'), html: bodyOf('text/html') };
}

function splitHeaders(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, at).replace(/\r?\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(at).replace(/^\r?\n\r?\n/, '') };
}

function decode(body: string, encoding: string): string {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable': {
      const soft = body.replace(/=\r?\n/g, '');
      const bytes: number[] = [];
      for (let i = 0; i < soft.length; i += 1) {
        const hex = soft.slice(i + 1, i + 3);
        if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
          bytes.push(parseInt(hex, 16));
          i += 2;
        } else bytes.push(...Buffer.from(soft[i] ?? '', 'utf8'));
      }
      return Buffer.from(bytes).toString('utf8');
    }
    default:
      return body;
  }
}
