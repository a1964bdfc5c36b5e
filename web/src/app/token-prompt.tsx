import { useQueryClient } from '@tanstack/react-query';
import { KeyRound } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { createClient } from 'switchboard/sdk';
import { errorMessage } from '../api/client.js';
import { humanAgentOf } from '../api/identity.js';
import { Dialog } from '../components/dialog.js';
import { Field } from '../components/field.js';
import { useAuthPrompt, useServices } from './services.js';

const WORDING = {
  unauthorized: {
    title: 'API token required',
    description: "The server asked for credentials. Paste an API token; a human agent's own token opens My work.",
  },
  'sign-in': { title: 'Sign in', description: "Paste an API token; a human agent's own token opens My work." },
} as const;

/**
 * Asks for an API token (after a 401, or from the Sign in button), keeps it in localStorage
 * (never in the URL), then reconnects the socket and reloads every query with it. The token
 * is asked who it is first (see humanAgentOf): a token the server refuses is said here, before
 * anything is stored, and a human agent's token signs the page in as that agent, with no id
 * for the person to type (or mistype).
 */
export function TokenPrompt() {
  const reason = useAuthPrompt();
  const { auth, tokens, signedInAgent } = useServices();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const finish = (nextAgent: string | null) => {
    tokens.set(token);
    signedInAgent.set(nextAgent);
    setToken('');
    setError(undefined);
    auth.close();
    void queryClient.invalidateQueries();
    if (nextAgent !== null) void navigate('/my-work');
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (token.trim() === '') return;
    setBusy(true);
    try {
      // Its own client: the page keeps its current token until this one is proven.
      finish(await humanAgentOf(createClient({ url: window.location.origin, token: token.trim() })));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const signOut = () => {
    tokens.set(null);
    signedInAgent.set(null);
    auth.close();
    void queryClient.invalidateQueries();
  };

  const wording = WORDING[reason ?? 'sign-in'];
  return (
    <Dialog open={reason !== null} onClose={auth.close} title={wording.title} description={wording.description}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <Field id="api-token" label="Token" hint="Stored in this browser only (localStorage key switchboard.token)." error={error}>
          {({ describedBy, invalid }) => (
            <input
              id="api-token"
              type="password"
              autoComplete="off"
              value={token}
              onChange={(e) => {
                setToken(e.target.value);
                setError(undefined);
              }}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              data-autofocus
              required
            />
          )}
        </Field>
        <div className="form__actions">
          {(tokens.get() !== null || signedInAgent.get() !== null) && (
            <button type="button" className="button button--ghost" onClick={signOut}>
              Sign out
            </button>
          )}
          <button type="submit" className="button button--primary" disabled={busy}>
            <KeyRound size={14} aria-hidden="true" /> Use token
          </button>
        </div>
      </form>
    </Dialog>
  );
}
