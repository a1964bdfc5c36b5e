export type ChannelType = 'webhook' | 'slack' | 'email';
export interface WebhookSettings {
  url: string;
} // secret: the whsec_ signing secret (generated)
export type SlackSettings = { webhookUrl: string } | { token: string; channel: string; apiUrl?: string }; // secrets: webhookUrl, token
export interface EmailSettings {
  host: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
  from: string;
  to: string[];
} // secret: auth.pass
/** One notification to deliver, as the dispatcher hands it to a sender. */
export interface OutgoingNotification {
  id: string; // stable per notification (msg_...), the Standard Webhooks webhook-id; a retry reuses it
  type: string; // the event type, e.g. 'task.sla_violated'
  timestamp: number; // epoch ms of the event
  attempt: number; // 1-based
  data: { event: Record<string, unknown>; task: Record<string, unknown> | null; agent: Record<string, unknown> | null }; // API views
  dashboardUrl: string | null; // link to the task (SWITCHBOARD_PUBLIC_URL + /tasks/<id>), or null
}
export type DeliveryOutcome =
  { ok: true; status?: number; detail?: string } | { ok: false; retryable: boolean; status?: number; detail: string }; // detail: HTTP status text / SMTP reply / error
export interface ChannelSender<S> {
  send(settings: S, notification: OutgoingNotification, signal: AbortSignal): Promise<DeliveryOutcome>;
}
