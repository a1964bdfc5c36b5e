/**
 * The request and response types of the REST API, derived from the very TypeBox schemas
 * the server validates and documents with (src/api/schemas.ts and the route modules).
 * Every import here is type-only: the SDK carries the shapes, none of the server's code,
 * so a browser bundle never pulls in Fastify or a database driver.
 */
import type { Static } from '@fastify/type-provider-typebox';
import type {
  AgentEnvelope,
  AppendLogsBody,
  AttemptUsageSchema,
  LogLineInputSchema,
  ReleaseBody,
  TaskLogsQuery as TaskLogsQuerySchema,
  AgentStatusBody,
  AssignBody,
  CancelBody,
  ClaimBody,
  CompleteBody,
  CreateAgentBody,
  CreateTaskBody,
  EventListQuery,
  FailBody,
  PatchAgentBody,
  PatchTaskBody,
  ProgressBody,
  RejectBody,
  TaskEnvelope,
  TaskListQuery,
  TaskMessageEnvelope,
} from '../api/schemas.js';
import type { AgentView, AttemptView, EventView, LogLineView, TaskView } from '../api/views.js';
import type { AppendLogsEnvelope, AttemptsEnvelope, TaskLogsEnvelope } from '../api/routes/task-logs.js';
import type {
  AgentListEnvelope,
  AgentStatusEnvelope,
  AgentTasksEnvelope,
  ClaimEnvelope,
  RemoveAgentEnvelope,
} from '../api/routes/agents.js';
import type { EventListEnvelope, TaskEventsEnvelope } from '../api/routes/events.js';
import type { HealthSchema, MetricsSchema, ReportSchema } from '../api/routes/system.js';
import type { AssignEnvelope, QueueNextEnvelope } from '../api/routes/task-actions.js';
import type { RecommendationsEnvelope, TaskList, TasksByPriorityEnvelope, TasksByStatusEnvelope } from '../api/routes/tasks.js';
import type { CreateTokenBody, IssuedTokenEnvelope, RevokedEnvelope, TokenListEnvelope, TokenViewSchema } from '../api/routes/tokens.js';
import type { PrincipalViewSchema, WhoamiEnvelope } from '../api/routes/whoami.js';

import type {
  ChannelEnvelope,
  ChannelFiltersSchema,
  ChannelListEnvelope,
  ChannelViewSchema,
  CreateChannelBody,
  CreatedChannelEnvelope,
  DeletedChannelEnvelope,
  DeliveryEnvelope,
  DeliveryListEnvelope,
  DeliveryListQuery,
  DeliveryViewSchema,
  NotificationSummaryEnvelope,
  PatchChannelBody,
  TestOutcomeEnvelope,
} from '../api/routes/notifications.js';
import type { ChannelType, DeliveryOutcome } from '../notifications/types.js';

export type { AgentView, AttemptView, EventView, LogLineView, TaskView };
export type { ChannelType, DeliveryOutcome };
export type { EventType, DomainEventMap } from '../core/events.js';
export type { ErrorCode } from '../core/errors.js';

/**
 * The event schema types `payload` as any record; the view type pairs each event type
 * with its payload. Event lists are retyped with it so `switch (e.type)` narrows.
 */
type WithEventViews<T> = T extends { events: unknown[] } ? Omit<T, 'events'> & { events: EventView[] } : T;

// ---------------------------------------------------------------- requests

export type TaskListQuery = Static<typeof TaskListQuery>;
export type EventListQuery = Static<typeof EventListQuery>;
export type CreateTaskInput = Static<typeof CreateTaskBody>;
export type UpdateTaskInput = Static<typeof PatchTaskBody>;
export type AssignInput = Static<typeof AssignBody>;
export type ProgressInput = Omit<Static<typeof ProgressBody>, 'leaseToken'>;
export type CompleteInput = Omit<Static<typeof CompleteBody>, 'leaseToken'>;
export type FailInput = Omit<Static<typeof FailBody>, 'leaseToken'>;
export type RejectInput = Omit<Static<typeof RejectBody>, 'leaseToken'>;
export type CancelInput = Static<typeof CancelBody>;
export type ReleaseInput = Omit<Static<typeof ReleaseBody>, 'leaseToken'>;
export type AttemptUsage = Static<typeof AttemptUsageSchema>;
export type LogLineInput = Static<typeof LogLineInputSchema>;
export type AppendLogsInput = Omit<Static<typeof AppendLogsBody>, 'leaseToken'>;
export type TaskLogsQuery = Static<typeof TaskLogsQuerySchema>;
export type RegisterAgentInput = Static<typeof CreateAgentBody>;
export type UpdateAgentInput = Static<typeof PatchAgentBody>;
export type AgentStatusInput = Static<typeof AgentStatusBody>['status'];
export type ClaimInput = Static<typeof ClaimBody>;
export type CreateTokenInput = Static<typeof CreateTokenBody>;

// ---------------------------------------------------------------- responses

export type TaskListResponse = Static<typeof TaskList>;
export type TasksByStatusResponse = Static<typeof TasksByStatusEnvelope>;
export type TasksByPriorityResponse = Static<typeof TasksByPriorityEnvelope>;
export type TaskResponse = Static<typeof TaskEnvelope>;
export type TaskMessageResponse = Static<typeof TaskMessageEnvelope>;
export type RecommendationsResponse = Static<typeof RecommendationsEnvelope>;
export type AssignResponse = Static<typeof AssignEnvelope>;
export type QueueNextResponse = Static<typeof QueueNextEnvelope>;
export type TaskEventsResponse = WithEventViews<Static<typeof TaskEventsEnvelope>>;
export type EventListResponse = WithEventViews<Static<typeof EventListEnvelope>>;
export type Metrics = Static<typeof MetricsSchema>;
export type DelegationReport = Static<typeof ReportSchema>;
export type AgentResponse = Static<typeof AgentEnvelope>;
export type AgentListResponse = Static<typeof AgentListEnvelope>;
export type AgentStatusResponse = Static<typeof AgentStatusEnvelope>;
export type AgentTasksResponse = Static<typeof AgentTasksEnvelope>;
export type RemoveAgentResponse = Static<typeof RemoveAgentEnvelope>;
export type ClaimResponse = Static<typeof ClaimEnvelope>;
export type TokenView = Static<typeof TokenViewSchema>;
export type TokenListResponse = Static<typeof TokenListEnvelope>;
export type IssuedTokenResponse = Static<typeof IssuedTokenEnvelope>;
export type RevokedResponse = Static<typeof RevokedEnvelope>;
export type Health = Static<typeof HealthSchema>;
export type PrincipalView = Static<typeof PrincipalViewSchema>;
export type WhoamiResponse = Static<typeof WhoamiEnvelope>;
export type AppendLogsResponse = Static<typeof AppendLogsEnvelope>;
export type TaskLogsResponse = Static<typeof TaskLogsEnvelope>;
export type AttemptsResponse = Static<typeof AttemptsEnvelope>;

// ---------------------------------------------------------------- notifications

/** Open records on the wire (settings, filters' owner); typed here so a reader can index them. */
type WithSettings<T> = Omit<T, 'settings'> & { settings: Record<string, unknown> };

export type NotificationFilters = Static<typeof ChannelFiltersSchema>;
/** `settings` without their secrets; `secrets` names the secret fields that are set (never their values). */
export type NotificationChannelView = WithSettings<Static<typeof ChannelViewSchema>>;
export type NotificationDeliveryView = Static<typeof DeliveryViewSchema>;
export type NotificationDeliveryStatus = NotificationDeliveryView['status'];
export type CreateNotificationChannelInput = Static<typeof CreateChannelBody>;
export type UpdateNotificationChannelInput = Static<typeof PatchChannelBody>;
export type NotificationDeliveryListQuery = Static<typeof DeliveryListQuery>;
export type NotificationChannelListResponse = Omit<Static<typeof ChannelListEnvelope>, 'channels'> & {
  channels: NotificationChannelView[];
};
export type NotificationChannelResponse = Omit<Static<typeof ChannelEnvelope>, 'channel'> & { channel: NotificationChannelView };
/** `secret`: a webhook's `whsec_` signing secret, in this answer only. */
export type CreatedNotificationChannelResponse = Omit<Static<typeof CreatedChannelEnvelope>, 'channel'> & {
  channel: NotificationChannelView;
};
export type DeletedNotificationChannelResponse = Static<typeof DeletedChannelEnvelope>;
/** The schema leaves `outcome` open; it is exactly a sender's DeliveryOutcome, `detail` required on a failure. */
export type NotificationTestResponse = Omit<Static<typeof TestOutcomeEnvelope>, 'outcome'> & { outcome: DeliveryOutcome };
export type NotificationDeliveryListResponse = Static<typeof DeliveryListEnvelope>;
export type NotificationDeliveryResponse = Static<typeof DeliveryEnvelope>;
export type NotificationSummaryResponse = Static<typeof NotificationSummaryEnvelope>;
