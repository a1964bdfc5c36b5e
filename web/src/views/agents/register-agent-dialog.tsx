import { UserPlus } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import type { RegisterAgentInput } from 'switchboard/sdk';
import { useCreateAgent } from '../../api/mutations.js';
import { Dialog } from '../../components/dialog.js';
import { Field } from '../../components/field.js';
import { useToast } from '../../components/toast.js';
import { AgentFields, agentErrorsFrom, validateAgent, type AgentErrors, type AgentValues } from './agent-form.js';

interface Values extends AgentValues {
  id: string;
}

type FieldName = keyof Values;

const EMPTY: Values = { name: '', id: '', kind: 'ai', capabilities: [], maxConcurrentTasks: '1', reliability: '0.9' };

function toBody(v: Values): RegisterAgentInput {
  const body: RegisterAgentInput = { name: v.name.trim(), kind: v.kind, maxConcurrentTasks: Number(v.maxConcurrentTasks) };
  if (v.id.trim() !== '') body.id = v.id.trim();
  if (v.capabilities.length > 0) body.capabilities = v.capabilities;
  if (v.reliability.trim() !== '') body.reliability = Number(v.reliability);
  return body;
}

/** "Register agent": name, optional id, kind, capabilities, capacity and declared reliability. */
export function RegisterAgentDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [values, setValues] = useState<Values>(EMPTY);
  const [errors, setErrors] = useState<AgentErrors>({});
  const create = useCreateAgent();
  const toast = useToast();
  const set = <K extends FieldName>(key: K, value: Values[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined, form: undefined }));
  };
  const close = () => {
    setErrors({});
    onClose();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const local = validateAgent(values);
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    create.mutate(toBody(values), {
      onSuccess: (agent) => {
        toast.push({ tone: 'success', title: `${agent.name} registered`, description: agent.id });
        setValues(EMPTY);
        close();
      },
      onError: (err) => setErrors(agentErrorsFrom(err)),
    });
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Register agent"
      description="An AI coding agent, a human or a service that can take tasks."
      className="dialog--form"
    >
      <form className="form" onSubmit={submit} noValidate>
        <AgentFields
          prefix="agent"
          values={values}
          errors={errors}
          onChange={(key, value) => set(key, value as Values[typeof key])}
          autoFocus
          beside={
            <Field id="agent-id" label="Id" hint="Optional; generated when empty" error={errors.id}>
              {(a) => (
                <input
                  id="agent-id"
                  value={values.id}
                  onChange={(e) => set('id', e.target.value)}
                  className="mono"
                  aria-invalid={a.invalid || undefined}
                  aria-describedby={a.describedBy}
                />
              )}
            </Field>
          }
        />
        <div className="form__actions">
          <button type="button" className="button button--ghost" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={create.isPending}>
            <UserPlus size={14} aria-hidden="true" /> {create.isPending ? 'Registering…' : 'Register'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
