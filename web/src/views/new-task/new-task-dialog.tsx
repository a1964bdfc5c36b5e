import { Plus } from 'lucide-react';
import { useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { useCreateTask } from '../../api/mutations.js';
import { PRIORITIES, type Priority } from '../../api/vocabulary.js';
import { PRIORITY_LABELS } from '../../components/badges.js';
import { ChipsInput } from '../../components/chips-input.js';
import { Dialog } from '../../components/dialog.js';
import { Field } from '../../components/field.js';
import { useToast } from '../../components/toast.js';
import {
  EMPTY_TASK_FORM,
  serverErrors,
  toTaskBody,
  validateTaskForm,
  type FieldErrors,
  type TaskField,
  type TaskFormValues,
} from './task-form-model.js';
// The server's own normalisation, so a chip shows exactly the capability that will be stored.
import { normaliseCapability } from '../../../../src/core/capabilities.js';

const FIELD_ORDER: readonly TaskField[] = [
  'title',
  'description',
  'priority',
  'requiredCapabilities',
  'dependsOn',
  'slaDeadline',
  'labels',
];

/** "New task": labelled fields, a required check before sending, server errors shown on the field they name. */
export default function NewTaskDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [values, setValues] = useState<TaskFormValues>(EMPTY_TASK_FORM);
  const [errors, setErrors] = useState<FieldErrors>({});
  const form = useRef<HTMLFormElement>(null);
  const create = useCreateTask();
  const toast = useToast();
  const navigate = useNavigate();

  const set = <K extends keyof TaskFormValues>(key: K, value: TaskFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    if (errors[key] !== undefined) setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const focusFirstError = (errs: FieldErrors) => {
    const first = FIELD_ORDER.find((f) => errs[f] !== undefined);
    if (first !== undefined) requestAnimationFrame(() => form.current?.querySelector<HTMLElement>(`#task-${first}`)?.focus());
  };

  const close = () => {
    setErrors({});
    create.reset();
    onClose();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // Chip inputs commit on blur; read anything still typed so it is not lost.
    const pending = (name: string) => form.current?.querySelector<HTMLInputElement>(`#task-${name}`)?.value.trim() ?? '';
    const current: TaskFormValues = {
      ...values,
      requiredCapabilities: merge(values.requiredCapabilities, pending('requiredCapabilities'), normaliseCapability),
      dependsOn: merge(values.dependsOn, pending('dependsOn'), (s) => s.toUpperCase()),
      labels: merge(values.labels, pending('labels'), (s) => s),
    };
    const local = validateTaskForm(current);
    setErrors(local);
    if (Object.keys(local).length > 0) return focusFirstError(local);
    create.mutate(toTaskBody(current), {
      onSuccess: (task) => {
        toast.push({ tone: 'success', title: `${task.id} created`, description: task.title });
        setValues(EMPTY_TASK_FORM);
        close();
        if (window.location.pathname.startsWith('/tasks/')) void navigate(`/tasks/${encodeURIComponent(task.id)}`);
      },
      onError: (err) => {
        const remote = serverErrors(err);
        setErrors(remote);
        focusFirstError(remote);
      },
    });
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="New task"
      description="Describe the work; Switchboard routes it to the best agent."
      className="dialog--form"
    >
      <form ref={form} className="form" onSubmit={submit} noValidate data-testid="new-task-form">
        <Field id="task-title" label="Title" required error={errors.title}>
          {(a) => (
            <input
              id="task-title"
              name="title"
              value={values.title}
              onChange={(e) => set('title', e.target.value)}
              aria-invalid={a.invalid || undefined}
              aria-describedby={a.describedBy}
              aria-required="true"
              data-autofocus
              maxLength={500}
            />
          )}
        </Field>
        <Field id="task-description" label="Description" error={errors.description}>
          {(a) => (
            <textarea
              id="task-description"
              name="description"
              rows={3}
              value={values.description}
              onChange={(e) => set('description', e.target.value)}
              aria-invalid={a.invalid || undefined}
              aria-describedby={a.describedBy}
            />
          )}
        </Field>
        <div className="form__row">
          <Field id="task-priority" label="Priority" error={errors.priority}>
            {(a) => (
              <select
                id="task-priority"
                name="priority"
                value={values.priority}
                onChange={(e) => set('priority', e.target.value as Priority)}
                aria-invalid={a.invalid || undefined}
                aria-describedby={a.describedBy}
              >
                {PRIORITIES.map((p) => (
                  <option key={p} value={p}>
                    {PRIORITY_LABELS[p]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="task-slaDeadline" label="SLA deadline" hint="Empty: the priority's default SLA" error={errors.slaDeadline}>
            {(a) => (
              <input
                id="task-slaDeadline"
                name="slaDeadline"
                type="datetime-local"
                value={values.slaDeadline}
                onChange={(e) => set('slaDeadline', e.target.value)}
                aria-invalid={a.invalid || undefined}
                aria-describedby={a.describedBy}
              />
            )}
          </Field>
        </div>
        <Field
          id="task-requiredCapabilities"
          label="Required capabilities"
          hint="Comma or Enter to add, e.g. typescript, testing"
          error={errors.requiredCapabilities}
        >
          {(a) => (
            <ChipsInput
              id="task-requiredCapabilities"
              name="requiredCapabilities"
              values={values.requiredCapabilities}
              onChange={(v) => set('requiredCapabilities', v)}
              normalise={normaliseCapability}
              placeholder="typescript, testing"
              invalid={a.invalid}
              describedBy={a.describedBy}
            />
          )}
        </Field>
        <Field id="task-dependsOn" label="Depends on" hint="Task ids that must complete first, e.g. TASK-004" error={errors.dependsOn}>
          {(a) => (
            <ChipsInput
              id="task-dependsOn"
              name="dependsOn"
              values={values.dependsOn}
              onChange={(v) => set('dependsOn', v)}
              normalise={(s) => s.toUpperCase()}
              placeholder="TASK-001"
              invalid={a.invalid}
              describedBy={a.describedBy}
            />
          )}
        </Field>
        <Field id="task-labels" label="Labels" error={errors.labels}>
          {(a) => (
            <ChipsInput
              id="task-labels"
              name="labels"
              values={values.labels}
              onChange={(v) => set('labels', v)}
              placeholder="backend, release-1.2"
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
            <Plus size={14} aria-hidden="true" /> {create.isPending ? 'Creating…' : 'Create task'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function merge(values: readonly string[], pending: string, normalise: (s: string) => string): string[] {
  const extra = pending
    .split(',')
    .map((s) => normalise(s.trim()))
    .filter((s) => s !== '' && !values.includes(s));
  return [...values, ...extra];
}
