import {
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
  type KnownBlock,
} from '@slack/web-api';
import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError } from '@slack/webhook';
import { renderNotification } from '../render.js';
import type { ChannelSender, DeliveryOutcome, OutgoingNotification, SlackSettings } from '../types.js';

/**
 * Slack's `ok: false` errors that say "not now" rather than "never": retrying them can succeed.
 * Every other error (`channel_not_found`, `invalid_auth`, `not_in_channel`, ...) needs a person to
 * fix the channel's settings, so retrying would only spend the budget.
 */
const TRANSIENT_SLACK_ERRORS = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** A status Slack answers when asked again later may succeed: rate limited, timed out, or its own failure. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Posts a notification to Slack, through an incoming webhook or as a bot (`chat.postMessage`
 * with a token and a channel id). The libraries' own retries are off: the dispatcher owns the
 * attempt budget and the backoff, and a library retrying inside one attempt would hide failures
 * from it and overrun its timeout.
 */
export const slackSender: ChannelSender<SlackSettings> = {
  async send(settings, notification, signal) {
    try {
      return 'webhookUrl' in settings
        ? await postToWebhook(settings.webhookUrl, notification, signal)
        : await postAsBot(settings, notification, signal);
    } catch (err) {
      return outcomeOf(err, signal);
    }
  },
};

function message(n: OutgoingNotification): { text: string; blocks: KnownBlock[] } {
  const rendered = renderNotification(n);
  // `text` is what Slack shows in the notification popup and to screen readers; the blocks are the message.
  return { text: rendered.title, blocks: rendered.slackBlocks as KnownBlock[] };
}

async function postToWebhook(url: string, n: OutgoingNotification, signal: AbortSignal): Promise<DeliveryOutcome> {
  const webhook = new IncomingWebhook(url, { retryConfig: { retries: 0 }, fetch: withSignal(signal) });
  const result = await webhook.send(message(n));
  return { ok: true, status: 200, detail: result.text };
}

async function postAsBot(
  settings: { token: string; channel: string; apiUrl?: string },
  n: OutgoingNotification,
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  const client = new WebClient(settings.token, {
    ...(settings.apiUrl === undefined ? {} : { slackApiUrl: withTrailingSlash(settings.apiUrl) }),
    retryConfig: { retries: 0 },
    // Without this the client sleeps out a 429's Retry-After inside the attempt; the dispatcher backs off instead.
    rejectRateLimitedCalls: true,
    // The outcome carries every failure; the client's own console lines would only repeat it.
    logLevel: LogLevel.ERROR,
    fetch: withSignal(signal),
  });
  const result = await client.chat.postMessage({ channel: settings.channel, ...message(n) });
  return { ok: true, status: 200, detail: `posted to ${result.channel ?? settings.channel} (ts ${result.ts ?? '?'})` };
}

/** The libraries time out on their own clock only; this lets the dispatcher's signal cancel a request too. */
function withSignal(signal: AbortSignal) {
  return (url: string | URL, init: RequestInit = {}) =>
    fetch(url, { ...init, signal: init.signal == null ? signal : AbortSignal.any([init.signal, signal]) });
}

/** The library joins method names onto the base URL as is: `http://127.0.0.1:9/api` needs its slash. */
function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function outcomeOf(err: unknown, signal: AbortSignal): DeliveryOutcome {
  if (err instanceof WebAPIPlatformError) {
    const code = err.data.error;
    return { ok: false, retryable: TRANSIENT_SLACK_ERRORS.has(code), status: 200, detail: `Slack: ${code}` };
  }
  if (err instanceof WebAPIRateLimitedError) {
    return { ok: false, retryable: true, status: 429, detail: `Slack: ratelimited (retry after ${err.retryAfter} s)` };
  }
  if (err instanceof WebAPIHTTPError || err instanceof IncomingWebhookHTTPError) {
    const body = typeof err.body === 'string' && err.body !== '' ? `: ${err.body.slice(0, 200)}` : '';
    return {
      ok: false,
      retryable: retryableStatus(err.statusCode),
      status: err.statusCode,
      detail: `${err.statusCode} ${err.statusMessage}${body}`,
    };
  }
  if (err instanceof WebAPIRequestError || err instanceof IncomingWebhookRequestError) {
    return { ok: false, retryable: true, detail: requestFailure(err.original, signal) };
  }
  // Anything else (e.g. a 429 without Retry-After) is not known to be permanent; the attempt budget bounds it.
  return { ok: false, retryable: true, detail: err instanceof Error ? err.message : String(err) };
}

/** Fetch's own message is "fetch failed"; the reason (ECONNREFUSED, a timeout) is in its cause. */
function requestFailure(original: Error, signal: AbortSignal): string {
  if (signal.aborted) return `request aborted: ${signal.reason instanceof Error ? signal.reason.message : 'timed out'}`;
  const cause = original.cause;
  const why = cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : null;
  return why === null ? `request failed: ${original.message}` : `request failed: ${original.message} (${why})`;
}
