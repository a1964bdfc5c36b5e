import { KeyRound } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import type { CreateTokenInput, IssuedTokenResponse } from 'switchboard/sdk';
import { errorMessage } from '../../api/client.js';
import { useMintToken } from '../../api/token-admin.js';
import { useAgents } from '../../api/hooks.js';
import { ROLES, type Role } from '../../api/vocabulary.js';
import { Field } from '../../components/field.js';

const ROLE_HINTS: Record<Role, string> = {
  admin: 'Everything, tokens included.',
  operator: 'Tasks, assignment and agents.',
  viewer: 'Read only.',
  agent: 'Acts as one agent: claims, heartbeats and reports on its own tasks.',
};

/** Mint a token: a label, a role and, for the agent role (only for it, as the API requires), the agent it acts as. */
export function MintTokenForm({ onMinted }: { onMinted: (issued: IssuedTokenResponse) => void }) {
  const [label, setLabel] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [agentId, setAgentId] = useState('');
  const [error, setError] = useState<string | undefined>();
  const agents = useAgents();
  const mint = useMintToken();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (label.trim() === '') return setError('A label is required');
    if (role === 'agent' && agentId === '') return setError('Choose the agent this token acts as');
    const input: CreateTokenInput = role === 'agent' ? { label: label.trim(), role, agentId } : { label: label.trim(), role };
    mint.mutate(input, {
      onSuccess: (issued) => {
        setLabel('');
        setAgentId('');
        onMinted(issued);
      },
      onError: (err) => setError(errorMessage(err)),
    });
  };

  return (
    <form className="form mint-form" onSubmit={submit} noValidate aria-labelledby="mint-title">
      <h2 id="mint-title" className="panel__title">
        Mint a token
      </h2>
      <Field id="mint-label" label="Label" required error={error}>
        {({ describedBy, invalid }) => (
          <input
            id="mint-label"
            value={label}
            onChange={(e) => {
              setLabel(e.target.value);
              setError(undefined);
            }}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            placeholder="ci-runner, Ana's laptop"
          />
        )}
      </Field>
      <Field id="mint-role" label="Role" hint={ROLE_HINTS[role]}>
        {({ describedBy }) => (
          <select id="mint-role" value={role} onChange={(e) => setRole(e.target.value as Role)} aria-describedby={describedBy}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        )}
      </Field>
      {role === 'agent' && (
        <Field id="mint-agent" label="Agent" required>
          {() => (
            <select id="mint-agent" value={agentId} onChange={(e) => setAgentId(e.target.value)}>
              <option value="">Choose an agent</option>
              {(agents.data ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.id}, {a.kind})
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={mint.isPending}>
          <KeyRound size={14} aria-hidden="true" /> Mint token
        </button>
      </div>
    </form>
  );
}
