import { SwitchboardApiError, type CreateTaskInput } from 'switchboard/sdk';
import { errorMessage, invalidField } from '../../api/client.js';
import { isPriority, type Priority } from '../../api/vocabulary.js';
import { localInputToIso } from '../../lib/format.js';

export interface TaskFormValues {
  title: string;
  description: string;
  priority: Priority;
  requiredCapabilities: string[];
  dependsOn: string[];
  labels: string[];
  slaDeadline: string;
}

/** The fields the form edits: a subset of the SDK's create body (a renamed field there fails here). */
export type TaskField = Extract<
  keyof CreateTaskInput,
  'title' | 'description' | 'priority' | 'requiredCapabilities' | 'dependsOn' | 'labels' | 'slaDeadline'
>;

export type FieldErrors = Partial<Record<TaskField | 'form', string>>;

export const EMPTY_TASK_FORM: TaskFormValues = {
  title: '',
  description: '',
  priority: 'P2',
  requiredCapabilities: [],
  dependsOn: [],
  labels: [],
  slaDeadline: '',
};

/** The checks worth doing before a round trip; the server stays the authority. */
export function validateTaskForm(v: TaskFormValues): FieldErrors {
  const errors: FieldErrors = {};
  if (v.title.trim() === '') errors.title = 'Title is required';
  if (!isPriority(v.priority)) errors.priority = 'Pick a priority';
  if (v.slaDeadline !== '' && localInputToIso(v.slaDeadline) === null) errors.slaDeadline = 'Not a valid date and time';
  return errors;
}

export function toTaskBody(v: TaskFormValues): CreateTaskInput {
  const body: CreateTaskInput = { title: v.title.trim(), priority: v.priority };
  if (v.description.trim() !== '') body.description = v.description.trim();
  if (v.requiredCapabilities.length > 0) body.requiredCapabilities = v.requiredCapabilities;
  if (v.dependsOn.length > 0) body.dependsOn = v.dependsOn;
  if (v.labels.length > 0) body.labels = v.labels;
  const sla = localInputToIso(v.slaDeadline);
  if (sla !== null) body.slaDeadline = sla;
  return body;
}

const FIELD_ALIASES: Record<string, TaskField> = {
  title: 'title',
  name: 'title',
  description: 'description',
  priority: 'priority',
  requiredCapabilities: 'requiredCapabilities',
  preferredCapabilities: 'requiredCapabilities',
  dependsOn: 'dependsOn',
  labels: 'labels',
  slaDeadline: 'slaDeadline',
  sla: 'slaDeadline',
};

/** Puts the server's message next to the field it names (`details.field`), else on the form. */
export function serverErrors(err: unknown): FieldErrors {
  if (err instanceof SwitchboardApiError) {
    if (err.code === 'DEPENDENCY_NOT_FOUND' || err.code === 'DEPENDENCY_CYCLE') return { dependsOn: err.message };
    const name = invalidField(err);
    const field = name === null ? undefined : FIELD_ALIASES[name];
    if (field !== undefined) return { [field]: err.message };
  }
  return { form: errorMessage(err) };
}
