import { createHmac, randomBytes } from 'node:crypto';
import type { ChannelSender, DeliveryOutcome, OutgoingNotification, WebhookSettings } from '../types.js';

/** The signing secret's prefix (Standard Webhooks): the rest is the base64 key. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** What a webhook channel stores: the URL and, write-only, its signing secret. */
export type StoredWebhookSettings = WebhookSettings & { secret: string };

/** A new signing secret: 24 random bytes, base64, behind `whsec_`. */
export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(24).toString('base64');
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed by the secret's decoded bytes. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** The body receivers get: `{ type, timestamp, data }` (Standard Webhooks' recommended shape). */
export function webhookBody(n: OutgoingNotification): string {
  return JSON.stringify({
    type: n.type,
    timestamp: new Date(n.timestamp).toISOString(),
    data: { ...n.data, dashboardUrl: n.dashboardUrl },
  });
}

/** How much of a receiver's answer is kept as the delivery's detail. */
const DETAIL_MAX_CHARS = 200;

/**
 * Signed webhooks per Standard Webhooks. 2xx is delivered; 408 and 429 (the receiver asks to
 * be tried later), 5xx and network errors (refused, reset, timed out) are retried; any other
 * 4xx will not get better by retrying and is final. `now` gives the signature's timestamp.
 */
export function webhookSender(now: () => number = Date.now): ChannelSender<StoredWebhookSettings> {
  return {
    async send(settings, notification, signal): Promise<DeliveryOutcome> {
      const body = webhookBody(notification);
      const timestamp = Math.floor(now() / 1000);
      let response: Response;
      try {
        response = await fetch(settings.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Switchboard-Webhooks',
            'webhook-id': notification.id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signWebhook(settings.secret, notification.id, timestamp, body),
          },
          body,
          signal,
          redirect: 'manual',
        });
      } catch (err) {
        return { ok: false, retryable: true, detail: networkDetail(err, signal) };
      }
      // The body is not needed; reading a little of it frees the connection and explains a failure.
      const text = (await response.text().catch(() => '')).slice(0, DETAIL_MAX_CHARS);
      const detail = `${response.status} ${response.statusText}${text === '' ? '' : `: ${text}`}`.trim();
      if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status, detail };
      const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      return { ok: false, retryable, status: response.status, detail };
    },
  };
}

function networkDetail(err: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'timed out';
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const code = (cause as { code?: unknown }).code;
  const message = cause instanceof Error ? cause.message : String(cause);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
