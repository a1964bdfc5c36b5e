import type { ReactNode } from 'react';
import { SwitchboardApiError } from 'switchboard/sdk';
import { errorMessage, invalidField } from '../../api/client.js';
import { AGENT_KINDS, type AgentKind } from '../../api/vocabulary.js';
import { ChipsInput } from '../../components/chips-input.js';
import { Field } from '../../components/field.js';
// The server's own normalisation, so a chip shows exactly the capability that will be stored.
import { normaliseCapability } from '../../../../src/core/capabilities.js';

/** The fields an agent is registered with and edited by, as typed (numbers still text). */
export interface AgentValues {
  name: string;
  kind: AgentKind;
  capabilities: string[];
  maxConcurrentTasks: string;
  reliability: string;
}

export type AgentErrors = Partial<Record<keyof AgentValues | 'id' | 'form', string>>;

const KIND_LABELS: Record<AgentKind, string> = { ai: 'AI agent', human: 'Human', service: 'Service' };
const FIELDS = new Set(['name', 'id', 'kind', 'capabilities', 'maxConcurrentTasks', 'reliability']);

export function validateAgent(v: AgentValues): AgentErrors {
  const errors: AgentErrors = {};
  if (v.name.trim() === '') errors.name = 'Name is required';
  const max = Number(v.maxConcurrentTasks);
  if (!Number.isInteger(max) || max < 1) errors.maxConcurrentTasks = 'A whole number, at least 1';
  const rel = Number(v.reliability);
  if (v.reliability.trim() !== '' && (!Number.isFinite(rel) || rel < 0 || rel > 1)) errors.reliability = 'Between 0 and 1';
  return errors;
}

/** A server refusal, put on the field it names (`details.field`), else on the form. */
export function agentErrorsFrom(err: unknown): AgentErrors {
  if (err instanceof SwitchboardApiError) {
    if (err.code === 'ALREADY_EXISTS') return { id: err.message };
    const f = invalidField(err);
    if (f !== null && FIELDS.has(f)) return { [f]: err.message };
  }
  return { form: errorMessage(err) };
}

/**
 * Name, kind, capacity, declared reliability and capabilities: shared by "Register agent"
 * and "Edit agent", so both say the same about the same field. `prefix` keeps the ids of
 * two open forms apart.
 */
export function AgentFields({
  prefix,
  values,
  errors,
  onChange,
  autoFocus,
  beside,
}: {
  prefix: string;
  values: AgentValues;
  errors: AgentErrors;
  onChange: <K extends keyof AgentValues>(key: K, value: AgentValues[K]) => void;
  autoFocus: boolean;
  /** A field shown next to Name (Register's optional id). */
  beside?: ReactNode;
}) {
  const a11y = (invalid: boolean, describedBy: string | undefined) => ({
    'aria-invalid': invalid || undefined,
    'aria-describedby': describedBy,
  });
  return (
    <>
      <div className="form__row">
        <Field id={`${prefix}-name`} label="Name" required error={errors.name}>
          {(a) => (
            <input
              id={`${prefix}-name`}
              value={values.name}
              onChange={(e) => onChange('name', e.target.value)}
              data-autofocus={autoFocus || undefined}
              {...a11y(a.invalid, a.describedBy)}
            />
          )}
        </Field>
        {beside}
      </div>
      <div className="form__row">
        <Field id={`${prefix}-kind`} label="Kind" error={errors.kind}>
          {(a) => (
            <select
              id={`${prefix}-kind`}
              value={values.kind}
              onChange={(e) => onChange('kind', e.target.value as AgentKind)}
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
        <Field id={`${prefix}-max`} label="Max concurrent tasks" error={errors.maxConcurrentTasks}>
          {(a) => (
            <input
              id={`${prefix}-max`}
              type="number"
              min={1}
              step={1}
              inputMode="numeric"
              value={values.maxConcurrentTasks}
              onChange={(e) => onChange('maxConcurrentTasks', e.target.value)}
              {...a11y(a.invalid, a.describedBy)}
            />
          )}
        </Field>
        <Field id={`${prefix}-reliability`} label="Declared reliability" hint="0 to 1; learned from outcomes" error={errors.reliability}>
          {(a) => (
            <input
              id={`${prefix}-reliability`}
              type="number"
              min={0}
              max={1}
              step={0.01}
              inputMode="decimal"
              value={values.reliability}
              onChange={(e) => onChange('reliability', e.target.value)}
              {...a11y(a.invalid, a.describedBy)}
            />
          )}
        </Field>
      </div>
      <Field id={`${prefix}-capabilities`} label="Capabilities" hint="Comma or Enter to add" error={errors.capabilities}>
        {(a) => (
          <ChipsInput
            id={`${prefix}-capabilities`}
            name="capabilities"
            values={values.capabilities}
            onChange={(v) => onChange('capabilities', v)}
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
    </>
  );
}
