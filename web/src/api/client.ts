import { createClient, SwitchboardApiError, SwitchboardClientError, type SwitchboardClient } from 'switchboard/sdk';
import type { TokenStore } from './token-store.js';

export interface DashboardClientOptions {
  /** The page's own origin: every request stays same-origin (the dev server proxies `/api`). */
  origin: string;
  tokens: TokenStore;
  /** Called on every 401 so the shell can ask for a token. */
  onUnauthorized: () => void;
}

/**
 * The SDK's client as the dashboard uses it. The token is read from the store on every
 * request rather than handed to createClient once, because the token prompt replaces it
 * while the page lives; the SDK's fetch hook is where it goes in, and where a 401 is
 * seen. The token travels in a header only, never in a URL.
 */
export function createDashboardClient({ origin, tokens, onUnauthorized }: DashboardClientOptions): SwitchboardClient {
  const withToken: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    const token = tokens.get();
    if (token !== null) headers.set('authorization', `Bearer ${token}`);
    const response = await fetch(input, { ...init, headers });
    if (response.status === 401) onUnauthorized();
    return response;
  };
  return createClient({ url: origin, fetch: withToken });
}

/** A 4xx will not get better by asking again; network blips and 5xx might. */
export function isClientFault(err: unknown): boolean {
  return err instanceof SwitchboardApiError && err.status >= 400 && err.status < 500;
}

/** The first segment of the invalid field a 400 VALIDATION_FAILED names (`/title` -> `title`, `/labels/2` -> `labels`). */
export function invalidField(err: SwitchboardApiError): string | null {
  const raw = err.details['field'];
  if (typeof raw !== 'string') return null;
  const first = raw.replace(/^\//, '').split('/')[0];
  return first === undefined || first === '' ? null : first;
}

/** A message fit for a toast, whatever was thrown. */
export function errorMessage(err: unknown): string {
  // The SDK's NETWORK message names the method and URL: right for a log, not for a person.
  if (err instanceof SwitchboardClientError && err.code === 'NETWORK') return 'The server cannot be reached';
  if (err instanceof Error) return err.message;
  return 'Something went wrong';
}
