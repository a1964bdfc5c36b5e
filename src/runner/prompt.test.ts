import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../core/errors.js';
import { bareTask, type TaskForRun } from './profiles/profile.js';
import { createPromptRenderer, NO_RESULT_TEXT } from './prompt.js';

const task: TaskForRun = {
  id: 'TASK-007',
  title: 'Add retries',
  description: 'Webhooks should retry with backoff.',
  labels: ['backend', 'webhooks'],
  requiredCapabilities: ['typescript'],
  preferredCapabilities: ['postgres'],
  dependencies: [
    { id: 'TASK-003', title: 'Outbox', result: 'Outbox table added' },
    { id: 'TASK-004', title: 'Signer', result: null },
  ],
  earlierFailures: ['tests failed', 'timed out after 30 min'],
};

const bare: TaskForRun = bareTask(task.id, task.title);

describe('default prompt template', () => {
  it('carries the title, description, labels, capabilities, dependency results and earlier failures', () => {
    const prompt = createPromptRenderer()(task);
    expect(prompt).toContain('task TASK-007: Add retries');
    expect(prompt).toContain('Webhooks should retry with backoff.');
    expect(prompt).toContain('Labels: backend, webhooks');
    expect(prompt).toContain('Required capabilities: typescript');
    expect(prompt).toContain('Preferred capabilities: postgres');
    expect(prompt).toContain('- TASK-003 Outbox: Outbox table added');
    expect(prompt).toContain(`- TASK-004 Signer: ${NO_RESULT_TEXT}`);
    expect(prompt).toContain('This is attempt 3.');
    expect(prompt).toContain('- timed out after 30 min');
  });

  it('leaves out the sections a task does not have', () => {
    const prompt = createPromptRenderer()(bare);
    expect(prompt).not.toMatch(/Labels|capabilities|builds on|attempt \d/);
    expect(prompt).not.toMatch(/\n\n\n/);
  });
});

describe('custom templates', () => {
  it('renders placeholders, lists joined, sections per item and by emptiness', () => {
    const render = createPromptRenderer(
      '{{title}} [{{labels}}]{{#labels}} <{{.}}>{{/labels}}{{^earlierFailures}} first try{{/earlierFailures}}',
    );
    expect(render(task)).toBe('Add retries [backend, webhooks] <backend> <webhooks>');
    expect(render(bare)).toBe('Add retries [] first try');
  });

  it('refuses unknown placeholders, naming every one, also inside sections', () => {
    expect(() => createPromptRenderer('{{titel}} {{#dependencies}}{{outcome}}{{/dependencies}}')).toThrow(
      'The prompt template uses unknown placeholders: {{titel}}, {{outcome}}',
    );
    // A record field is only known inside its section.
    expect(() => createPromptRenderer('{{result}}')).toThrow('{{result}}');
    expect(() => createPromptRenderer('{{.}}')).toThrow(SwitchboardError);
  });

  it('refuses records used as a plain placeholder', () => {
    expect(() => createPromptRenderer('{{dependencies}}')).toThrow('{{dependencies}} is a list of records: walk it with {{#dependencies}}');
  });

  it('refuses unbalanced sections', () => {
    expect(() => createPromptRenderer('{{#labels}}x')).toThrow('{{#labels}} is never closed');
    expect(() => createPromptRenderer('x{{/labels}}')).toThrow('{{/labels}} closes nothing open');
    expect(() => createPromptRenderer('{{#labels}}{{/title}}')).toThrow('{{/title}} closes nothing open');
  });

  it('inserts task text literally, never as template syntax', () => {
    const render = createPromptRenderer('{{title}}');
    expect(render({ ...task, title: '{{description}} $(whoami)' })).toBe('{{description}} $(whoami)');
  });
});
