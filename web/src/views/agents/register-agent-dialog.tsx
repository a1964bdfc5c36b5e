import { UserPlus } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { SwitchboardApiError, type RegisterAgentInput } from 'switchboard/sdk';
import { errorMessage, invalidField } from '../../api/client.js';
import { useCreateAgent } from '../../api/mutations.js';
import { AGENT_KINDS, type AgentKind } from '../../api/vocabulary.js';
import { ChipsInput } from '../../components/chips-input.js';
import { Dialog } from '../../components/dialog.js';
import { Field } from '../../components/field.js';
import { useToast } from '../../components/toast.js';
// The server's own normalisation, so a chip shows exactly the capability that will be stored.
import { normaliseCapability } from '../../../../src/core/capabilities.js';

interface Values {
  name: string;
  id: string;
  kind: AgentKind;
  capabilities: string[];
  maxConcurrentTasks: string;
  reliability: string;
}

type FieldName = keyof Values;
type Errors = Partial<Record<FieldName | 'form', string>>;

const EMPTY: Values = { name: '', id: '', kind: 'ai', capabilities: [], maxConcurrentTasks: '1', reliability: '0.9' };
const KIND_LABELS: Record<AgentKind, string> = { ai: 'AI agent', human: 'Human', service: 'Service' };

function validate(v: Values): Errors {
  const errors: Errors = {};
  if (v.name.trim() === '') errors.name = 'Name is required';
  const max = Number(v.maxConcurrentTasks);
  if (!Number.isInteger(max) || max < 1) errors.maxConcurrentTasks = 'A whole number, at least 1';
  const rel = Number(v.reliability);
  if (v.reliability.trim() !== '' && (!Number.isFinite(rel) || rel < 0 || rel > 1)) errors.reliability = 'Between 0 and 1';
  return errors;
}

function toBody(v: Values): RegisterAgentInput {
  const body: RegisterAgentInput = { name: v.name.trim(), kind: v.kind, maxConcurrentTasks: Number(v.maxConcurrentTasks) };
  if (v.id.trim() !== '') body.id = v.id.trim();
  if (v.capabilities.length > 0) body.capabilities = v.capabilities;
  if (v.reliability.trim() !== '') body.reliability = Number(v.reliability);
  return body;
}

function fromServer(err: unknown): Errors {
  if (err instanceof SwitchboardApiError) {
    if (err.code === 'ALREADY_EXISTS') return { id: err.message };
    const f = invalidField(err);
    if (f === 'name' || f === 'id' || f === 'kind' || f === 'capabilities' || f === 'maxConcurrentTasks' || f === 'reliability')
      return { [f]: err.message };
  }
  return { form: errorMessage(err) };
}

/** "Register agent": name, optional id, kind, capabilities, capacity and declared reliability. */
export function RegisterAgentDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [values, setValues] = useState<Values>(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
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
    const local = validate(values);
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    create.mutate(toBody(values), {
      onSuccess: (agent) => {
        toast.push({ tone: 'success', title: `${agent.name} registered`, description: agent.id });
        setValues(EMPTY);
        close();
      },
      onError: (err) => setErrors(fromServer(err)),
    });
  };

  const a11y = (invalid: boolean, describedBy: string | undefined) => ({
    'aria-invalid': invalid || undefined,
    'aria-describedby': describedBy,
  });

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Register agent"
      description="An AI coding agent, a human or a service that can take tasks."
      className="dialog--form"
    >
      <form className="form" onSubmit={submit} noValidate>
        <div className="form__row">
          <Field id="agent-name" label="Name" required error={errors.name}>
            {(a) => (
              <input
                id="agent-name"
                value={values.name}
                onChange={(e) => set('name', e.target.value)}
                data-autofocus
                {...a11y(a.invalid, a.describedBy)}
              />
            )}
          </Field>
          <Field id="agent-id" label="Id" hint="Optional; generated when empty" error={errors.id}>
            {(a) => (
              <input
                id="agent-id"
                value={values.id}
                onChange={(e) => set('id', e.target.value)}
                className="mono"
                {...a11y(a.invalid, a.describedBy)}
              />
            )}
          </Field>
        </div>
        <div className="form__row">
          <Field id="agent-kind" label="Kind" error={errors.kind}>
            {(a) => (
              <select
                id="agent-kind"
                value={values.kind}
                onChange={(e) => set('kind', e.target.value as AgentKind)}
                {...a11y(a.invalid, a.describedBy)}
              >
                {AGENT_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {KIND_LABELS[k]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="agent-max" label="Max concurrent tasks" error={errors.maxConcurrentTasks}>
            {(a) => (
              <input
                id="agent-max"
                type="number"
                min={1}
                step={1}
                inputMode="numeric"
                value={values.maxConcurrentTasks}
                onChange={(e) => set('maxConcurrentTasks', e.target.value)}
                {...a11y(a.invalid, a.describedBy)}
              />
            )}
          </Field>
          <Field id="agent-reliability" label="Declared reliability" hint="0 to 1; learned from outcomes" error={errors.reliability}>
            {(a) => (
              <input
                id="agent-reliability"
                type="number"
                min={0}
                max={1}
                step={0.01}
                inputMode="decimal"
                value={values.reliability}
                onChange={(e) => set('reliability', e.target.value)}
                {...a11y(a.invalid, a.describedBy)}
              />
            )}
          </Field>
        </div>
        <Field id="agent-capabilities" label="Capabilities" hint="Comma or Enter to add" error={errors.capabilities}>
          {(a) => (
            <ChipsInput
              id="agent-capabilities"
              name="capabilities"
              values={values.capabilities}
              onChange={(v) => set('capabilities', v)}
              normalise={normaliseCapability}
              placeholder="typescript, react, testing"
              invalid={a.invalid}
              describedBy={a.describedBy}
            />
          )}
        </Field>
        {errors.form !== undefined && (
          <p className="form__error" role="alert">
            {errors.form}
          </p>
        )}
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
