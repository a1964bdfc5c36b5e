import { Type } from '@fastify/type-provider-typebox';
import { EVENT_TYPES } from '../../core/events.js';
import { CHANNEL_TYPES, DELIVERY_STATUSES, type Delivery } from '../../core/notification.js';
import type { NotificationService } from '../../notifications/service.js';
import { channelView, deliveryView } from '../../notifications/views.js';
import type { TypedApp } from '../route-context.js';
import { LIMITS, errorResponses, ok } from '../schemas.js';

const tags = ['notifications'];
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const Id = Type.String({ minLength: 1, maxLength: LIMITS.idChars });
const FilterList = Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 50 });
const EpochMs = Type.Integer({ minimum: 0, description: 'epoch milliseconds' });

export const ChannelFiltersSchema = Type.Object(
  {
    priorities: Type.Optional(FilterList),
    labels: Type.Optional(FilterList),
    capabilities: Type.Optional(FilterList),
    agents: Type.Optional(FilterList),
  },
  {
    additionalProperties: false,
    description: 'Every list given must match (any of its values); a filter on a task field never matches an event without a task.',
  },
);
const EventTypes = Type.Array(Type.Enum(EVENT_TYPES), { maxItems: EVENT_TYPES.length });
/** Checked against the channel's type on the server (webhook, slack, email shapes in docs/notifications.md). */
const SettingsInput = Type.Record(Type.String(), Type.Unknown(), {
  maxProperties: 20,
  description:
    'webhook: { url }; slack: { webhookUrl } or { token, channel, apiUrl? }; email: { host, port, secure, auth?: { user, pass }, from, to: [] }',
});

export const ChannelViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.Enum(CHANNEL_TYPES),
  events: Type.Array(Type.String()),
  filters: ChannelFiltersSchema,
  enabled: Type.Boolean(),
  settings: Type.Object({}, { additionalProperties: true, description: 'The settings without their secrets' }),
  secrets: Type.Array(Type.String(), { description: 'Names of the secret fields that are set; their values are never returned' }),
  createdAt: EpochMs,
});

export const DeliveryViewSchema = Type.Object({
  id: Type.String({ description: 'The webhook-id (msg_...): the same on every attempt' }),
  channelId: Type.String(),
  channelName: Type.String(),
  eventId: Type.Integer(),
  type: Type.String(),
  taskId: Nullable(Type.String()),
  status: Type.Enum(DELIVERY_STATUSES),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  lastStatus: Nullable(Type.Integer()),
  nextAttemptAt: Nullable(EpochMs),
  createdAt: EpochMs,
  deliveredAt: Nullable(EpochMs),
});

export const DeliveryOutcomeSchema = Type.Object({
  ok: Type.Boolean(),
  retryable: Type.Optional(Type.Boolean()),
  status: Type.Optional(Type.Integer()),
  detail: Type.Optional(Type.String()),
});

export const CreateChannelBody = Type.Object(
  {
    type: Type.Enum(CHANNEL_TYPES),
    name: Name,
    events: Type.Optional(EventTypes),
    filters: Type.Optional(ChannelFiltersSchema),
    enabled: Type.Optional(Type.Boolean()),
    settings: SettingsInput,
  },
  { additionalProperties: false },
);
export const PatchChannelBody = Type.Object(
  {
    name: Type.Optional(Name),
    events: Type.Optional(EventTypes),
    filters: Type.Optional(ChannelFiltersSchema),
    enabled: Type.Optional(Type.Boolean()),
    settings: Type.Optional(SettingsInput),
  },
  { additionalProperties: false },
);
export const ChannelIdParams = Type.Object({ channelId: Id });
export const DeliveryIdParams = Type.Object({ deliveryId: Id });
export const DELIVERY_PAGE_DEFAULT = 50;
export const DELIVERY_PAGE_MAX = 500;
export const DeliveryListQuery = Type.Object(
  {
    channelId: Type.Optional(Id),
    status: Type.Optional(Type.Enum(DELIVERY_STATUSES)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: DELIVERY_PAGE_MAX, default: DELIVERY_PAGE_DEFAULT })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const ChannelListEnvelope = ok({ channels: Type.Array(ChannelViewSchema) });
export const ChannelEnvelope = ok({ channel: ChannelViewSchema });
export const CreatedChannelEnvelope = ok({
  channel: ChannelViewSchema,
  secret: Type.Optional(Type.String({ description: 'The webhook signing secret (whsec_...): shown in this answer only' })),
});
export const DeletedChannelEnvelope = ok({ deleted: Type.Boolean() });
export const TestOutcomeEnvelope = ok({ outcome: DeliveryOutcomeSchema });
export const DeliveryListEnvelope = ok({ deliveries: Type.Array(DeliveryViewSchema), nextCursor: Nullable(Type.String()) });
export const DeliveryEnvelope = ok({ delivery: DeliveryViewSchema });
export const NotificationSummaryEnvelope = ok({
  failing: Type.Integer({ description: 'Deliveries that failed and will be tried again' }),
  dead: Type.Integer({ description: 'Deliveries that ran out of attempts (or hit a final error)' }),
  lastFailure: Nullable(DeliveryViewSchema),
});

/**
 * Notification channels and their delivery log (docs/notifications.md). Writes are admin-only
 * (channels hold secrets and decide who is told what); reads are `read`, and never carry a secret.
 */
export function notificationRoutes(app: TypedApp, notifications: NotificationService): void {
  const names = async () => new Map((await notifications.listChannels()).map((c) => [c.id, c.name]));
  const view = (d: Delivery, byId: Map<string, string>) => deliveryView(d, byId.get(d.channelId) ?? '');

  app.get(
    '/notifications/channels',
    {
      config: { permission: 'read' },
      schema: { tags, summary: 'Every notification channel (secrets left out)', response: { 200: ChannelListEnvelope, ...errorResponses } },
    },
    async () => ({ success: true as const, channels: (await notifications.listChannels()).map(channelView) }),
  );

  app.post(
    '/notifications/channels',
    {
      config: { permission: 'admin' },
      schema: {
        tags,
        summary: 'Create a channel; a webhook answers its signing secret, once',
        description:
          'events default to task.sla_warning, task.sla_violated, task.failed, agent.offline, agent.overloaded, notification.failed.',
        body: CreateChannelBody,
        response: { 201: CreatedChannelEnvelope, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { channel, secret } = await notifications.createChannel(request.body);
      void reply.code(201);
      return { success: true as const, channel: channelView(channel), ...(secret === null ? {} : { secret }) };
    },
  );

  app.patch(
    '/notifications/channels/:channelId',
    {
      config: { permission: 'admin' },
      schema: {
        tags,
        summary: 'Change a channel',
        description: 'settings replace the stored ones; a secret left out keeps its stored value.',
        params: ChannelIdParams,
        body: PatchChannelBody,
        response: { 200: ChannelEnvelope, ...errorResponses },
      },
    },
    async (request) => ({
      success: true as const,
      channel: channelView(await notifications.updateChannel(request.params.channelId, request.body)),
    }),
  );

  app.delete(
    '/notifications/channels/:channelId',
    {
      config: { permission: 'admin' },
      schema: {
        tags,
        summary: 'Delete a channel and its deliveries',
        params: ChannelIdParams,
        response: { 200: DeletedChannelEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      await notifications.deleteChannel(request.params.channelId);
      return { success: true as const, deleted: true };
    },
  );

  app.post(
    '/notifications/channels/:channelId/test',
    {
      config: { permission: 'admin' },
      schema: {
        tags,
        summary: 'Send a notification.test message through the channel now and report the outcome',
        params: ChannelIdParams,
        response: { 200: TestOutcomeEnvelope, ...errorResponses },
      },
    },
    async (request) => ({ success: true as const, outcome: await notifications.testChannel(request.params.channelId) }),
  );

  app.get(
    '/notifications/deliveries',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'Deliveries, newest first',
        description: 'Page on with nextCursor as `cursor`.',
        querystring: DeliveryListQuery,
        response: { 200: DeliveryListEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await notifications.listDeliveries({ ...q, limit: q.limit ?? DELIVERY_PAGE_DEFAULT });
      const byId = await names();
      return { success: true as const, deliveries: page.deliveries.map((d) => view(d, byId)), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/notifications/deliveries/:deliveryId/retry',
    {
      config: { permission: 'admin' },
      schema: {
        tags,
        summary: 'Try a failed or dead delivery again now, or send a delivered one again (same webhook-id)',
        params: DeliveryIdParams,
        response: { 200: DeliveryEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const delivery = await notifications.retryDelivery(request.params.deliveryId);
      return { success: true as const, delivery: view(delivery, await names()) };
    },
  );

  app.get(
    '/notifications/summary',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'Failing and dead deliveries, and the last failure (the dashboard banner)',
        response: { 200: NotificationSummaryEnvelope, ...errorResponses },
      },
    },
    async () => {
      const s = await notifications.summary();
      return {
        success: true as const,
        failing: s.failing,
        dead: s.dead,
        lastFailure: s.lastFailure === null ? null : view(s.lastFailure, await names()),
      };
    },
  );
}
