import { useQueryClient } from '@tanstack/react-query';
import { KeyRound } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Dialog } from '../components/dialog.js';
import { useAuthPromptOpen, useServices } from './services.js';

/**
 * Shown after a 401: asks for an API token, keeps it in localStorage (never in the URL),
 * then reconnects the socket and reloads every query with it.
 */
export function TokenPrompt() {
  const open = useAuthPromptOpen();
  const { auth, tokens } = useServices();
  const queryClient = useQueryClient();
  const [value, setValue] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim() === '') return;
    tokens.set(value);
    setValue('');
    auth.close();
    void queryClient.invalidateQueries();
  };

  return (
    <Dialog
      open={open}
      onClose={auth.close}
      title="API token required"
      description="The server asked for credentials. Paste an API token with the operator or viewer role."
    >
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="api-token">Token</label>
          <input
            id="api-token"
            type="password"
            autoComplete="off"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            data-autofocus
            required
          />
          <p className="field__hint">Stored in this browser only (localStorage key switchboard.token).</p>
        </div>
        <div className="form__actions">
          {tokens.get() !== null && (
            <button type="button" className="button button--ghost" onClick={() => tokens.set(null)}>
              Forget saved token
            </button>
          )}
          <button type="submit" className="button button--primary">
            <KeyRound size={14} aria-hidden="true" /> Use token
          </button>
        </div>
      </form>
    </Dialog>
  );
}
