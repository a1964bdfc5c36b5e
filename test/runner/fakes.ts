import { bareTask, type ProfileInput } from '../../src/runner/profiles/index.js';

/** The fake agent CLIs (test/fixtures/bin), put first on PATH so the real profiles run them. */
export const FAKE_BIN = new URL('../fixtures/bin', import.meta.url).pathname;

/** A child environment with the fakes first on PATH and no scenario inherited from the test run. */
export function fakeEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: `${FAKE_BIN}:${process.env['PATH'] ?? ''}`, HOME: process.env['HOME'] ?? '/tmp', FAKE_AGENT_SCENARIO: '', ...extra };
}

/** A profile's input whose prompt picks the fake's scenario. */
export function promptFor(scenario: string): ProfileInput {
  const task = bareTask('TASK-001', `Fix it [scenario:${scenario}]`);
  return { task, prompt: task.title };
}
