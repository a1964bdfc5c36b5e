import { createTransport } from 'nodemailer';
import { renderNotification } from '../render.js';
import type { ChannelSender, DeliveryOutcome, EmailSettings, OutgoingNotification } from '../types.js';

/** Bounds on one SMTP exchange, well inside the dispatcher's attempt timeout (nodemailer's defaults are minutes). */
const SMTP_CONNECTION_TIMEOUT_MS = 10_000;
const SMTP_GREETING_TIMEOUT_MS = 10_000;
const SMTP_SOCKET_TIMEOUT_MS = 30_000;
/** Connections kept open per SMTP server: notifications come in bursts (one SLA sweep, many tasks). */
const SMTP_POOL_CONNECTIONS = 2;

type Transport = ReturnType<typeof createPool>;

/**
 * Sends notifications by SMTP (text and HTML, rendered once by `renderNotification`). One pooled
 * transport per distinct server and login, so a burst reuses its connections instead of
 * handshaking per message; `close()` ends them all when the server stops.
 *
 * `secure: true` is TLS from the first byte (port 465); `false` upgrades with STARTTLS whenever
 * the server offers it.
 */
export function emailSender(): ChannelSender<EmailSettings> & { close(): Promise<void> } {
  const pools = new Map<string, Transport>();
  const poolFor = (s: EmailSettings): Transport => {
    const key = JSON.stringify([s.host, s.port, s.secure, s.auth?.user ?? null, s.auth?.pass ?? null]);
    let pool = pools.get(key);
    if (pool === undefined) {
      pool = createPool(s);
      pools.set(key, pool);
    }
    return pool;
  };
  return {
    async send(settings, notification, signal) {
      if (signal.aborted) return aborted(signal);
      try {
        const info = await untilAborted(poolFor(settings).sendMail(mail(settings, notification)), signal);
        if (info === ABORTED) return aborted(signal);
        return delivered(info.response, info.rejected, info.rejectedErrors);
      } catch (err) {
        return failed(err);
      }
    },
    async close() {
      const open = [...pools.values()];
      pools.clear();
      for (const pool of open) pool.close();
    },
  };
}

function createPool(s: EmailSettings) {
  const pool = createTransport({
    pool: true,
    maxConnections: SMTP_POOL_CONNECTIONS,
    host: s.host,
    port: s.port,
    secure: s.secure,
    ...(s.auth === undefined ? {} : { auth: { user: s.auth.user, pass: s.auth.pass } }),
    connectionTimeout: SMTP_CONNECTION_TIMEOUT_MS,
    greetingTimeout: SMTP_GREETING_TIMEOUT_MS,
    socketTimeout: SMTP_SOCKET_TIMEOUT_MS,
  });
  // Every failure also rejects the send it belongs to, which reports it; an 'error' event with no listener would crash the server.
  pool.on('error', () => {});
  return pool;
}

function mail(s: EmailSettings, n: OutgoingNotification) {
  const rendered = renderNotification(n);
  return {
    from: s.from,
    to: s.to,
    subject: rendered.title,
    text: rendered.text,
    html: rendered.html,
    // The same Message-ID on every attempt of one notification lets a mail client fold a redelivery into one message.
    messageId: `<${n.id}@${domainOf(s.from)}>`,
    headers: { 'X-Switchboard-Notification-Id': n.id, 'X-Switchboard-Event': n.type },
  };
}

function domainOf(address: string): string {
  const match = /@([^\s>@]+)>?\s*$/.exec(address);
  return match?.[1] ?? 'switchboard.invalid';
}

const ABORTED = Symbol('aborted');

/**
 * nodemailer takes no AbortSignal, so the attempt stops waiting when the dispatcher gives up; the
 * exchange may still finish on the pooled connection, which at-least-once delivery allows.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function aborted(signal: AbortSignal): DeliveryOutcome {
  return { ok: false, retryable: true, detail: `aborted: ${signal.reason instanceof Error ? signal.reason.message : 'timed out'}` };
}

/** The server took the message for at least one recipient; the ones it refused are named in the detail. */
function delivered(response: string, rejected: unknown[], rejectedErrors: unknown[] | undefined): DeliveryOutcome {
  const status = replyCode(response);
  const refused = (rejectedErrors ?? []).map((e) => smtpReply(e)).filter((r) => r !== '');
  const names = rejected.map((r) => (typeof r === 'string' ? r : String((r as { address?: unknown }).address)));
  const detail = rejected.length === 0 ? response : `${response}; refused ${names.join(', ')}: ${refused.join('; ')}`;
  return status === undefined ? { ok: true, detail } : { ok: true, status, detail };
}

/**
 * A 5xx reply is the server's final word (unknown mailbox, relay denied, bad login): retrying
 * cannot help. A 4xx reply is "try later" by definition, and a connection that failed before
 * any reply (refused, timed out, TLS) may work on the next attempt.
 */
function failed(err: unknown): DeliveryOutcome {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { responseCode?: unknown; code?: unknown };
  const status = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const detail = smtpReply(err) || (err instanceof Error ? err.message : String(err));
  if (status === undefined) {
    const code = typeof e.code === 'string' ? e.code : null;
    return { ok: false, retryable: true, detail: code === null || detail.includes(code) ? detail : `${code}: ${detail}` };
  }
  return { ok: false, retryable: status < 500, status, detail };
}

/** The server's own reply line ("550 5.1.1 <x@y>: mailbox unavailable") when nodemailer kept it. */
function smtpReply(err: unknown): string {
  const response = (err as { response?: unknown } | null)?.response;
  return typeof response === 'string' ? response : '';
}

function replyCode(response: string): number | undefined {
  const match = /^(\d{3})\b/.exec(response);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
