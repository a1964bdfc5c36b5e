import { ValidationError } from '../../core/errors.js';
import { claudeProfile } from './claude.js';
import { codexProfile } from './codex.js';
import { commandProfile } from './command.js';
import { copilotProfile } from './copilot.js';
import { geminiProfile } from './gemini.js';
import type { AgentProfile } from './profile.js';

export { bareTask, type AgentProfile, type CommandSpec, type ProfileInput, type ProfileOptions, type TaskForRun } from './profile.js';

/** Every profile by the name `--profile` takes. Adding a CLI is one entry here and one module. */
export const PROFILES = {
  claude: claudeProfile,
  codex: codexProfile,
  gemini: geminiProfile,
  copilot: copilotProfile,
  command: commandProfile,
} as const satisfies Record<string, AgentProfile>;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

/** The profile `--profile <name>` means, or a {@link ValidationError} listing the known ones. */
export function profileByName(name: string): AgentProfile {
  if (Object.hasOwn(PROFILES, name)) return PROFILES[name as ProfileName];
  throw new ValidationError(`Unknown profile "${name}": use one of ${PROFILE_NAMES.join(', ')}`, { field: '--profile' });
}
