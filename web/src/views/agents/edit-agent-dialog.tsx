import { Save } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import type { AgentView, UpdateAgentInput } from 'switchboard/sdk';
import { useUpdateAgent } from '../../api/agent-admin.js';
import { Dialog } from '../../components/dialog.js';
import { useToast } from '../../components/toast.js';
import { AgentFields, agentErrorsFrom, validateAgent, type AgentErrors, type AgentValues } from './agent-form.js';

const valuesOf = (a: AgentView): AgentValues => ({
  name: a.name,
  kind: a.kind,
  capabilities: [...a.capabilities],
  maxConcurrentTasks: String(a.maxConcurrentTasks),
  reliability: String(a.declaredReliability),
});

/** Only what changed goes in the PATCH, so an edit never rewrites a field someone else changed meanwhile. */
function patchOf(before: AgentValues, v: AgentValues): UpdateAgentInput {
  const patch: UpdateAgentInput = {};
  if (v.name.trim() !== before.name) patch.name = v.name.trim();
  if (v.kind !== before.kind) patch.kind = v.kind;
  if (v.capabilities.join('\n') !== before.capabilities.join('\n')) patch.capabilities = v.capabilities;
  if (v.maxConcurrentTasks !== before.maxConcurrentTasks) patch.maxConcurrentTasks = Number(v.maxConcurrentTasks);
  if (v.reliability !== before.reliability && v.reliability.trim() !== '') patch.reliability = Number(v.reliability);
  return patch;
}

/** "Edit agent": opened with the agent as it is now (mounted per opening, so the form starts from the live copy). */
export function EditAgentDialog({ agent, onClose }: { agent: AgentView; onClose: () => void }) {
  const [before] = useState(() => valuesOf(agent));
  const [values, setValues] = useState(before);
  const [errors, setErrors] = useState<AgentErrors>({});
  const update = useUpdateAgent();
  const toast = useToast();
  const set = <K extends keyof AgentValues>(key: K, value: AgentValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined, form: undefined }));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const local = validateAgent(values);
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    const patch = patchOf(before, values);
    if (Object.keys(patch).length === 0) return onClose();
    update.mutate(
      { id: agent.id, patch },
      {
        onSuccess: (saved) => {
          toast.push({ tone: 'success', title: `${saved.name} saved` });
          onClose();
        },
        onError: (err) => setErrors(agentErrorsFrom(err)),
      },
    );
  };

  return (
    <Dialog open onClose={onClose} title={`Edit ${agent.name}`} description={agent.id} className="dialog--form">
      <form className="form" onSubmit={submit} noValidate>
        <AgentFields prefix={`edit-${agent.id}`} values={values} errors={errors} onChange={set} autoFocus />
        <div className="form__actions">
          <button type="button" className="button button--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={update.isPending}>
            <Save size={14} aria-hidden="true" /> {update.isPending ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
