import { ValidationError } from '../core/errors.js';
import type { TaskForRun } from './profiles/profile.js';

/**
 * The prompt an agent gets when the operator names no `--prompt-template FILE`. It says what
 * to do, what the task builds on, and what went wrong before, so a retry is not a rerun.
 */
export const DEFAULT_PROMPT_TEMPLATE = `You are an autonomous coding agent working on task {{id}}: {{title}}
{{?description}}
{{description}}
{{/description}}{{?labels}}
Labels: {{labels}}
{{/labels}}{{?requiredCapabilities}}Required capabilities: {{requiredCapabilities}}
{{/requiredCapabilities}}{{?preferredCapabilities}}Preferred capabilities: {{preferredCapabilities}}
{{/preferredCapabilities}}{{?dependencies}}
This task builds on finished tasks:
{{#dependencies}}- {{id}} {{title}}: {{result}}
{{/dependencies}}{{/dependencies}}{{?earlierFailures}}
This is attempt {{attempt}}. Earlier attempts failed; do not repeat their mistakes:
{{#earlierFailures}}- {{.}}
{{/earlierFailures}}{{/earlierFailures}}
Work in the current directory. When you are done, reply with a short summary of what you changed and how you checked it.
`;

/**
 * The placeholders a template may use. Text renders as is; a list renders joined by ", "
 * or item by item in a section; records only in a section, by their fields.
 */
export const PROMPT_VARIABLES = {
  id: { kind: 'text' },
  title: { kind: 'text' },
  description: { kind: 'text' },
  attempt: { kind: 'text' },
  labels: { kind: 'list' },
  requiredCapabilities: { kind: 'list' },
  preferredCapabilities: { kind: 'list' },
  earlierFailures: { kind: 'list' },
  dependencies: { kind: 'records', fields: ['id', 'title', 'result'] },
} as const satisfies Record<string, VariableSpec>;

type VariableSpec = { kind: 'text' } | { kind: 'list' } | { kind: 'records'; fields: readonly string[] };
type VariableName = keyof typeof PROMPT_VARIABLES;

/** Stands in for a dependency that finished without a recorded result. */
export const NO_RESULT_TEXT = '(no result recorded)';

/**
 * Compiles a template once (at start-up, so a bad `--prompt-template` stops the runner
 * before it claims anything) and returns the function that renders it per task. Takes the
 * template's text, not a path: reading the file is the caller's business.
 *
 * Syntax: `{{name}}`; `{{#list}}...{{/list}}` repeats per item, `{{.}}` is the item and a
 * record's fields are `{{field}}`; `{{?name}}...{{/name}}` shows when name is non-empty,
 * `{{^name}}...{{/name}}` when it is empty. An unknown placeholder is an error naming it.
 */
export function createPromptRenderer(templateText: string = DEFAULT_PROMPT_TEMPLATE): (task: TaskForRun) => string {
  const nodes = parse(templateText);
  const unknown = [...new Set(check(nodes, null))];
  if (unknown.length > 0) {
    throw new ValidationError(`The prompt template uses unknown placeholders: ${unknown.map((n) => `{{${n}}}`).join(', ')}`, {
      field: '--prompt-template',
      unknown,
      known: Object.keys(PROMPT_VARIABLES),
    });
  }
  return (task) => render(nodes, valuesOf(task), null);
}

type Node =
  { kind: 'text'; text: string } | { kind: 'var'; name: string } | { kind: 'section'; mode: '#' | '?' | '^'; name: string; body: Node[] };

type Item = string | Readonly<Record<string, string>>;
type Values = Record<VariableName, string | readonly Item[]>;

function valuesOf(task: TaskForRun): Values {
  return {
    id: task.id,
    title: task.title,
    description: task.description,
    attempt: String(task.earlierFailures.length + 1),
    labels: task.labels,
    requiredCapabilities: task.requiredCapabilities,
    preferredCapabilities: task.preferredCapabilities,
    earlierFailures: task.earlierFailures,
    dependencies: task.dependencies.map((d) => ({ id: d.id, title: d.title, result: d.result ?? NO_RESULT_TEXT })),
  };
}

const TAG = /\{\{\s*([#?^/]?)\s*([A-Za-z_.][\w.]*)?\s*\}\}/g;

function parse(template: string): Node[] {
  const root: Node[] = [];
  const stack: { name: string; body: Node[] }[] = [{ name: '', body: root }];
  let last = 0;
  for (const match of template.matchAll(TAG)) {
    const top = stack[stack.length - 1]!;
    if (match.index > last) top.body.push({ kind: 'text', text: template.slice(last, match.index) });
    last = match.index + match[0].length;
    const sigil = match[1] ?? '';
    const name = match[2];
    if (name === undefined) throw templateError(`empty placeholder ${match[0]}`);
    if (sigil === '/') {
      if (stack.length === 1 || top.name !== name) throw templateError(`{{/${name}}} closes nothing open`);
      stack.pop();
    } else if (sigil === '#' || sigil === '?' || sigil === '^') {
      const body: Node[] = [];
      top.body.push({ kind: 'section', mode: sigil, name, body });
      stack.push({ name, body });
    } else {
      top.body.push({ kind: 'var', name });
    }
  }
  if (stack.length > 1) throw templateError(`{{#${stack[stack.length - 1]!.name}}} is never closed`);
  if (last < template.length) root.push({ kind: 'text', text: template.slice(last) });
  return root;
}

function templateError(problem: string): ValidationError {
  return new ValidationError(`The prompt template is malformed: ${problem}`, { field: '--prompt-template' });
}

/** The names no scope defines; `item` is the spec of the list a `#` section walks. */
function check(nodes: readonly Node[], item: VariableSpec | null): string[] {
  const known = (name: string): boolean =>
    name === '.'
      ? item?.kind === 'list'
      : (item?.kind === 'records' && item.fields.includes(name)) || Object.hasOwn(PROMPT_VARIABLES, name);
  return nodes.flatMap((node) => {
    if (node.kind === 'text') return [];
    const missing = known(node.name) ? [] : [node.name];
    const shadowed = item?.kind === 'records' && item.fields.includes(node.name);
    if (node.kind === 'var' && !shadowed && Object.hasOwn(PROMPT_VARIABLES, node.name)) {
      if (PROMPT_VARIABLES[node.name as VariableName].kind === 'records') {
        throw templateError(`{{${node.name}}} is a list of records: walk it with {{#${node.name}}}...{{/${node.name}}}`);
      }
    }
    if (node.kind === 'var') return missing;
    const spec = Object.hasOwn(PROMPT_VARIABLES, node.name) ? PROMPT_VARIABLES[node.name as VariableName] : null;
    return [...missing, ...check(node.body, node.mode === '#' ? spec : item)];
  });
}

function render(nodes: readonly Node[], values: Values, item: Item | null): string {
  return nodes
    .map((node) => {
      if (node.kind === 'text') return node.text;
      const value = lookup(node.name, values, item);
      // Records never reach here as a plain placeholder: check() refused that.
      if (node.kind === 'var') return typeof value === 'string' ? value : value.filter((v) => typeof v === 'string').join(', ');
      const empty = value.length === 0;
      switch (node.mode) {
        case '?':
          return empty ? '' : render(node.body, values, item);
        case '^':
          return empty ? render(node.body, values, item) : '';
        case '#':
          return typeof value === 'string'
            ? empty
              ? ''
              : render(node.body, values, item)
            : value.map((v) => render(node.body, values, v)).join('');
      }
    })
    .join('');
}

function lookup(name: string, values: Values, item: Item | null): string | readonly Item[] {
  if (name === '.') return typeof item === 'string' ? item : '';
  if (item !== null && typeof item !== 'string' && Object.hasOwn(item, name)) return item[name] ?? '';
  return values[name as VariableName];
}
