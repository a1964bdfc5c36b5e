import { Type, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValidationError } from '../core/errors.js';
import type { ChannelKind } from '../core/notification.js';

/** An http(s) URL: receivers, Slack webhooks and API bases. */
const HttpUrl = Type.String({ minLength: 8, maxLength: 2_000, pattern: '^https?://[^\\s/]+' });
const Short = Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' });

export const WebhookSettingsSchema = Type.Object({ url: HttpUrl }, { additionalProperties: false });
export const SlackSettingsSchema = Type.Union([
  Type.Object({ webhookUrl: HttpUrl }, { additionalProperties: false }),
  Type.Object({ token: Short, channel: Short, apiUrl: Type.Optional(HttpUrl) }, { additionalProperties: false }),
]);
export const EmailSettingsSchema = Type.Object(
  {
    host: Short,
    port: Type.Integer({ minimum: 1, maximum: 65_535 }),
    secure: Type.Boolean(),
    auth: Type.Optional(Type.Object({ user: Short, pass: Short }, { additionalProperties: false })),
    from: Short,
    to: Type.Array(Short, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);

const SCHEMAS: Record<ChannelKind, TSchema> = { webhook: WebhookSettingsSchema, slack: SlackSettingsSchema, email: EmailSettingsSchema };

/** Throws VALIDATION_FAILED naming the first field the settings get wrong for this channel type. */
export function checkSettings(type: ChannelKind, settings: unknown): void {
  const schema = SCHEMAS[type];
  if (Value.Check(schema, settings)) return;
  const first = Value.Errors(schema, settings).First();
  const path = first?.path ?? '';
  throw new ValidationError(`Invalid ${type} settings${path === '' ? '' : ` at ${path}`}: ${first?.message ?? 'unexpected shape'}`, {
    field: `/settings${path}`,
  });
}

type Settings = Record<string, unknown>;

/** The names of the secret fields a channel has set: never their values. */
export function secretNames(type: ChannelKind, s: Settings): string[] {
  const auth = s.auth as Settings | undefined;
  const present: Record<ChannelKind, [string, unknown][]> = {
    webhook: [['secret', s.secret]],
    slack: [
      ['webhookUrl', s.webhookUrl],
      ['token', s.token],
    ],
    email: [['auth.pass', auth?.pass]],
  };
  return present[type].filter(([, v]) => typeof v === 'string' && v !== '').map(([name]) => name);
}

/** The settings with every secret taken out: what the API shows. */
export function publicSettings(type: ChannelKind, s: Settings): Settings {
  switch (type) {
    case 'webhook':
      return { url: s.url };
    case 'slack': {
      const { webhookUrl: _w, token: _t, ...rest } = s;
      return rest;
    }
    case 'email': {
      const { auth, ...rest } = s as Settings & { auth?: Settings };
      return auth === undefined ? rest : { ...rest, auth: { user: auth.user } };
    }
  }
}

/**
 * Settings of an update: the new ones, with each secret the update leaves out kept from the
 * stored ones (secrets are write-only, so a client that never saw them can still change the
 * URL or recipients). Slack keeps its stored credential only when the update names neither form.
 */
export function mergeSettings(type: ChannelKind, stored: Settings, next: Settings): Settings {
  switch (type) {
    case 'webhook':
      return { ...next, secret: stored.secret };
    case 'slack':
      if (next.webhookUrl !== undefined || next.token !== undefined) return next;
      return stored.webhookUrl !== undefined ? { ...next, webhookUrl: stored.webhookUrl } : { ...next, token: stored.token };
    case 'email': {
      const auth = next.auth as Settings | undefined;
      const storedAuth = stored.auth as Settings | undefined;
      if (auth === undefined || auth.pass !== undefined) return next;
      return { ...next, auth: { ...auth, pass: storedAuth?.pass } };
    }
  }
}

/** The settings as validated, without what only the server adds (the webhook's secret). */
export function inputPart(type: ChannelKind, s: Settings): Settings {
  if (type !== 'webhook') return s;
  const { secret: _secret, ...rest } = s;
  return rest;
}
