import { Ban } from 'lucide-react';
import { useState } from 'react';
import { SwitchboardApiError, type IssuedTokenResponse, type TokenView } from 'switchboard/sdk';
import { useRevokeToken, useTokens } from '../../api/token-admin.js';
import { useServices } from '../../app/services.js';
import { ConfirmButton } from '../../components/confirm-button.js';
import { EmptyState, ErrorState, SkeletonRows } from '../../components/states.js';
import { formatDateTime } from '../../lib/format.js';
import { MintedSecret } from './minted-secret.js';
import { MintTokenForm } from './mint-token-form.js';

function TokenRow({ token }: { token: TokenView }) {
  const revoke = useRevokeToken();
  const revoked = token.revokedAt !== null;
  return (
    <tr data-token-id={token.id} data-revoked={revoked}>
      <th scope="row" className="stack__line">
        {token.label}
      </th>
      <td data-label="Role">{token.role}</td>
      <td className="mono" data-label="Agent">
        {token.agentId ?? '—'}
      </td>
      <td data-label="Created">{formatDateTime(token.createdAt)}</td>
      <td>{revoked ? `Revoked ${formatDateTime(token.revokedAt)}` : 'Active'}</td>
      <td>
        {!revoked && (
          <ConfirmButton
            className="button button--small button--quiet"
            confirmClassName="button button--small button--danger"
            label={`Revoke ${token.label}`}
            confirmLabel={`Confirm: revoke ${token.label}`}
            disabled={revoke.isPending}
            onConfirm={() => revoke.mutate(token)}
            confirmChildren="Click again to revoke"
          >
            <Ban size={12} aria-hidden="true" /> Revoke
          </ConfirmButton>
        )}
      </td>
    </tr>
  );
}

function TokenTable({ tokens }: { tokens: TokenView[] }) {
  if (tokens.length === 0) return <EmptyState title="No tokens yet" />;
  return (
    <div className="table-scroll">
      <table className="table table--stack" aria-label="API tokens">
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col">Role</th>
            <th scope="col">Agent</th>
            <th scope="col">Created</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <TokenRow key={t.id} token={t} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Only an admin token may list tokens; anyone else is told so, with the way to sign in as
 * one. A page without a token gets 401 (and the prompt opens by itself), another role 403.
 */
function Refused({ error }: { error: unknown }) {
  const { auth } = useServices();
  if (!(error instanceof SwitchboardApiError && (error.status === 401 || error.status === 403))) return <ErrorState error={error} />;
  return (
    <EmptyState title="Token administration needs an admin token">
      <p>This page works with the admin role only.</p>
      <button type="button" className="button button--primary" onClick={auth.signIn}>
        Sign in
      </button>
    </EmptyState>
  );
}

/** Token administration: the list (never a secret), minting with a role and agent, revocation. */
export default function TokensView() {
  const tokens = useTokens();
  const [issued, setIssued] = useState<IssuedTokenResponse | null>(null);
  return (
    <div className="view" data-view="tokens">
      <div className="view__header">
        <div>
          <h1 className="view__title">Tokens</h1>
          <p className="view__subtitle">API tokens: who may do what. Only a hash of each secret is stored.</p>
        </div>
      </div>
      {tokens.isPending ? (
        <SkeletonRows rows={4} />
      ) : tokens.isError ? (
        <Refused error={tokens.error} />
      ) : (
        <div className="tokens">
          {issued !== null && <MintedSecret key={issued.token.id} issued={issued} onDone={() => setIssued(null)} />}
          <section className="panel">
            <MintTokenForm onMinted={setIssued} />
          </section>
          <TokenTable tokens={tokens.data} />
        </div>
      )}
    </div>
  );
}
