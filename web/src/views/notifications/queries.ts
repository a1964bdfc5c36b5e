import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  CreatedNotificationChannelResponse,
  CreateNotificationChannelInput,
  DeliveryOutcome,
  NotificationChannelView,
  NotificationDeliveryStatus,
  NotificationDeliveryView,
  NotificationSummaryResponse,
} from 'switchboard/sdk';
import { errorMessage } from '../../api/client.js';
import { queryKeys } from '../../api/query-keys.js';
import { useServices } from '../../app/services.js';
import { useToast } from '../../components/toast.js';

const keys = {
  channels: [...queryKeys.notifications, 'channels'] as const,
  deliveries: (status: NotificationDeliveryStatus | '') => [...queryKeys.notifications, 'deliveries', status] as const,
  summary: [...queryKeys.notifications, 'summary'] as const,
};

/** Deliveries change without an event of their own (a retry succeeds quietly), so an open list is read again this often. */
const DELIVERIES_REFRESH_MS = 10_000;
/** The banner's fallback when no `notification.failed` arrives (a failure cleared by a later success). */
const SUMMARY_REFRESH_MS = 30_000;
const DELIVERIES_PAGE = 50;

export function useChannels() {
  const { api } = useServices();
  return useQuery<NotificationChannelView[]>({
    queryKey: keys.channels,
    queryFn: async ({ signal }) => (await api.notifications.listChannels({ signal })).channels,
    staleTime: 0,
  });
}

export function useCreateChannel() {
  const { api } = useServices();
  const client = useQueryClient();
  return useMutation<CreatedNotificationChannelResponse, Error, CreateNotificationChannelInput>({
    mutationFn: (input) => api.notifications.createChannel(input),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.channels }),
  });
}

export function useSetChannelEnabled() {
  const { api } = useServices();
  const client = useQueryClient();
  const toast = useToast();
  return useMutation<unknown, Error, { channel: NotificationChannelView; enabled: boolean }>({
    mutationFn: ({ channel, enabled }) => api.notifications.updateChannel(channel.id, { enabled }),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.channels }),
    onError: (err, { channel }) => toast.push({ tone: 'error', title: `Could not change ${channel.name}`, description: errorMessage(err) }),
  });
}

export function useDeleteChannel() {
  const { api } = useServices();
  const client = useQueryClient();
  const toast = useToast();
  return useMutation<unknown, Error, NotificationChannelView>({
    mutationFn: (channel) => api.notifications.deleteChannel(channel.id),
    onSuccess: (_, channel) => {
      toast.push({ tone: 'success', title: `${channel.name} deleted`, description: 'It receives no more notifications.' });
      void client.invalidateQueries({ queryKey: queryKeys.notifications });
    },
    onError: (err, channel) => toast.push({ tone: 'error', title: `Could not delete ${channel.name}`, description: errorMessage(err) }),
  });
}

/** Sends a test message now; the answer is the outcome, shown beside the channel (an error here is the API's, not the channel's). */
export function useTestChannel() {
  const { api } = useServices();
  return useMutation<DeliveryOutcome, Error, NotificationChannelView>({
    mutationFn: async (channel) => (await api.notifications.testChannel(channel.id)).outcome,
  });
}

/** Deliveries newest first, a page at a time, optionally of one status. */
export function useDeliveries(status: NotificationDeliveryStatus | '') {
  const { api } = useServices();
  return useInfiniteQuery({
    queryKey: keys.deliveries(status),
    queryFn: ({ signal, pageParam }) =>
      api.notifications.listDeliveries(
        { limit: DELIVERIES_PAGE, ...(status === '' ? {} : { status }), ...(pageParam === null ? {} : { cursor: pageParam }) },
        { signal },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    select: (data) => ({ deliveries: data.pages.flatMap((p) => p.deliveries), more: data.pages.at(-1)?.nextCursor != null }),
    refetchInterval: DELIVERIES_REFRESH_MS,
  });
}

/** Retry (failed, dead) or send again (delivered); the list and the banner are read again after it. */
export function useRetryDelivery() {
  const { api } = useServices();
  const client = useQueryClient();
  const toast = useToast();
  return useMutation<NotificationDeliveryView, Error, NotificationDeliveryView>({
    mutationFn: async (delivery) => (await api.notifications.retryDelivery(delivery.id)).delivery,
    onSuccess: (_, delivery) => {
      toast.push({
        tone: 'success',
        title: delivery.status === 'delivered' ? 'Sent again' : 'Queued for retry',
        description: `${delivery.type} to ${delivery.channelName} is back in the outbox.`,
      });
      void client.invalidateQueries({ queryKey: queryKeys.notifications });
    },
    onError: (err) => toast.push({ tone: 'error', title: 'Could not retry the delivery', description: errorMessage(err) }),
  });
}

/** For the banner: how many deliveries are failing or dead. Refreshed on `notification.*` events (see runtime.ts). */
export function useNotificationSummary() {
  const { api } = useServices();
  return useQuery<NotificationSummaryResponse>({
    queryKey: keys.summary,
    queryFn: ({ signal }) => api.notifications.summary({ signal }),
    refetchInterval: SUMMARY_REFRESH_MS,
  });
}
