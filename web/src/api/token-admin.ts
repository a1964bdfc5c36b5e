import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateTokenInput, IssuedTokenResponse, TokenView } from 'switchboard/sdk';
import { useServices } from '../app/services.js';
import { useToast } from '../components/toast.js';
import { errorMessage } from './client.js';
import { queryKeys } from './query-keys.js';

/** Every API token, secrets never included. Admin only: any other role gets 403, which the view words. */
export function useTokens() {
  const { api } = useServices();
  return useQuery<TokenView[]>({
    queryKey: queryKeys.tokens,
    queryFn: async ({ signal }) => (await api.tokens.list({ signal })).tokens,
    // No socket message announces a token, so a list that lingers is read again when reopened.
    staleTime: 0,
  });
}

/** Mints a token; the answer holds the secret, which exists nowhere else afterwards. */
export function useMintToken() {
  const { api } = useServices();
  const client = useQueryClient();
  return useMutation<IssuedTokenResponse, Error, CreateTokenInput>({
    mutationFn: (input) => api.tokens.create(input),
    onSuccess: () => void client.invalidateQueries({ queryKey: queryKeys.tokens }),
  });
}

export function useRevokeToken() {
  const { api } = useServices();
  const client = useQueryClient();
  const toast = useToast();
  return useMutation<unknown, Error, TokenView>({
    mutationFn: (token) => api.tokens.revoke(token.id),
    onSuccess: (_, token) => {
      toast.push({
        tone: 'success',
        title: `${token.label} revoked`,
        description: 'Requests and sockets using it are refused from now on.',
      });
      void client.invalidateQueries({ queryKey: queryKeys.tokens });
    },
    onError: (err, token) => toast.push({ tone: 'error', title: `Could not revoke ${token.label}`, description: errorMessage(err) }),
  });
}
