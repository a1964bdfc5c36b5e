import { ValidationError } from '../../core/errors.js';
import { logLine, type RunnerEvent } from '../events.js';
import { jsonLineParser, num, refuseUnsupportedOptions, str, type AgentProfile } from './profile.js';

/** `$0` of the shell line: what `ps` and error messages show for a command-profile child. */
export const COMMAND_SHELL_NAME = 'switchboard-command';

/**
 * Any program as an agent. `--command` is a line the operator wrote, run by `/bin/sh -c`:
 * a shell is acceptable here because the line comes from the person starting the runner,
 * never from a task, and the task reaches the program only as data (stdin and environment),
 * never spliced into the line. `--extra-arg` values become `"$@"` of that line.
 *
 * The child gets the task as JSON on stdin and in `SWITCHBOARD_TASK_JSON`, the prompt in
 * `SWITCHBOARD_PROMPT`, the task id in `SWITCHBOARD_TASK_ID`. Its stdout may speak a tiny
 * JSON-lines protocol, one object a line, anything else being plain log text:
 * - `{"type":"progress","progress":40}`: percent done, 0..100;
 * - `{"type":"log","message":"..."}`: a log line;
 * - `{"type":"result","ok":true,"result":"...","reason":"..."}`: the final word (`ok` defaults to true).
 * Without a result line the exit status is the program's word, as for any Unix program: 0
 * completes (the last output line is the summary), anything else fails naming the code.
 */
export const commandProfile: AgentProfile = {
  name: 'command',
  summary: 'Any program (`--command "..."`), task JSON on stdin',
  supportedOptions: ['command', 'extraArgs'],
  exitZeroCompletes: true,
  buildCommand({ task, prompt }, options) {
    refuseUnsupportedOptions(commandProfile, options);
    if (options.command === undefined || options.command.trim() === '') {
      throw new ValidationError('The command profile needs --command "<program and arguments>"', { field: '--command' });
    }
    const taskJson = JSON.stringify(task);
    return {
      command: '/bin/sh',
      args: ['-c', options.command, COMMAND_SHELL_NAME, ...(options.extraArgs ?? [])],
      env: { SWITCHBOARD_TASK_ID: task.id, SWITCHBOARD_TASK_JSON: taskJson, SWITCHBOARD_PROMPT: prompt },
      stdin: `${taskJson}\n`,
    };
  },
  parseLine: (line) => (line.trim() === '' ? [] : parseProtocolLine(line)),
};

const parseProtocolObject = jsonLineParser((event): RunnerEvent[] => {
  switch (event.type) {
    case 'progress': {
      const percent = num(event.progress);
      return percent === undefined ? [] : [{ type: 'progress', percent: Math.min(100, Math.max(0, percent)) }];
    }
    case 'log':
      return [{ type: 'log', stream: 'stdout', line: str(event.message) ?? str(event.line) ?? JSON.stringify(event) }];
    case 'result': {
      const ok = event.ok !== false;
      const result = str(event.result);
      const reason = str(event.reason) ?? (ok ? 'success' : 'the command reported a failure');
      return [{ type: 'finished', ok, reason, ...(result === undefined ? {} : { result }) }];
    }
    default:
      return [];
  }
});

function parseProtocolLine(line: string): RunnerEvent[] {
  const events = parseProtocolObject(line);
  // JSON that is not ours (a program printing its own data) is still output worth keeping.
  return events.length === 0 ? [logLine(line)] : events;
}
