import type { Command } from 'commander';
import { AGENT_KINDS, type AgentKind } from '../../core/agent.js';
import type { AgentStatusInput, AgentView, RegisterAgentInput } from '../../sdk/index.js';
import { clientAction } from '../client-action.js';
import { choice, decimal, integer, listOf } from '../options.js';
import { statusColour, type Style } from '../output/style.js';
import { clean, renderFields, renderTable, type Column } from '../output/table.js';
import { list, time } from '../output/values.js';
import { EXIT_USAGE, type CliRuntime } from '../runtime.js';
import { taskColumns } from '../views/task-view.js';

interface RegisterFlags {
  name: string;
  capabilities?: string[];
  kind?: AgentKind;
  maxConcurrent?: number;
  id?: string;
  reliability?: number;
  costPerHour?: number;
  paused?: boolean;
}

/** `switchboard agent ...`: register agents, list and show them, pause, resume and remove them over the API. */
export function agentCommands(program: Command, runtime: CliRuntime): void {
  const agent = program.command('agent').description('agents: register, list, show, pause, resume, remove');

  agent
    .command('register')
    .description('register an agent (a person, a service or an AI coding agent) that tasks can be assigned to')
    .requiredOption('--name <text>', 'what people call it')
    .option('--capabilities <caps>', 'what it can do, matched against tasks (comma-separated, repeatable)', listOf())
    .option('--kind <kind>', `${AGENT_KINDS.join(', ')} (default ai)`, choice(AGENT_KINDS))
    .option('--max-concurrent <n>', 'tasks it holds at once (default 1)', integer(1, 1000))
    .option('--id <id>', 'its id (letters, digits, . _ -); derived from the name when absent')
    .option('--reliability <0..1>', 'declared reliability, the prior of the learned one', decimal(0, 1))
    .option('--cost-per-hour <n>', 'what an hour of it costs, for reports', decimal(0))
    .option('--paused', 'start paused: it takes no work until resumed')
    .action(
      clientAction(runtime, async (ctx, flags: RegisterFlags) => {
        const answer = await ctx.client.agents.register(registerInput(flags));
        const a = answer.agent;
        ctx.print(answer, () => `Registered agent ${ctx.style.bold(a.id)} (${a.status}; capabilities ${list(a.capabilities)}).\n`);
      }),
    );

  agent
    .command('list')
    .description('every agent with its status, load and record')
    .action(
      clientAction(runtime, async (ctx) => {
        const answer = await ctx.client.agents.list();
        ctx.print(answer, () => renderTable(agentColumns(ctx.style), answer.agents, { empty: 'No agents.', header: ctx.style.bold }));
      }),
    );

  agent
    .command('show')
    .description('one agent: its fields and the tasks it holds')
    .argument('<id>', 'agent id')
    .action(
      clientAction(runtime, async (ctx, _flags: object, id: string) => {
        const [{ agent: a }, { tasks }] = await Promise.all([ctx.client.agents.get(id), ctx.client.agents.tasks(id)]);
        ctx.print({ success: true, agent: a, tasks }, () =>
          [
            `${ctx.style.bold(a.id)}  ${clean(a.name)}\n`,
            renderFields(agentFields(a, ctx.style), ctx.style.dim),
            `${ctx.style.bold('Tasks')}\n${renderTable(taskColumns(ctx.style), tasks, { empty: 'None held.', header: ctx.style.dim })}`,
          ].join('\n'),
        );
      }),
    );

  statusCommand(agent, runtime, 'pause', 'PAUSED', 'stop offering it new work; what it holds it keeps');
  statusCommand(agent, runtime, 'resume', 'ACTIVE', 'make a paused (or offline) agent available again');

  agent
    .command('remove')
    .description('remove an agent for good (admin); the tasks it holds go back to the queue. Needs --yes')
    .argument('<id>', 'agent id')
    .option('--yes', 'confirm: without it nothing is removed (exit 2)')
    .action(
      clientAction(runtime, async (ctx, flags: { yes?: boolean }, id: string) => {
        // Asking on a prompt would hang a script; refusing without the flag keeps one typo from removing an agent.
        if (flags.yes !== true) {
          runtime.err(
            `error: removing agent ${id} puts the tasks it holds back in the queue and cannot be undone; pass --yes to confirm\n`,
          );
          return runtime.exit(EXIT_USAGE);
        }
        const answer = await ctx.client.agents.remove(id);
        ctx.print(
          answer,
          () => `Removed agent ${id}${answer.requeued.length === 0 ? '.' : `; back in the queue: ${answer.requeued.join(', ')}.`}\n`,
        );
      }),
    );
}

/** `pause` and `resume`: the same PUT status with another value. */
function statusCommand(agent: Command, runtime: CliRuntime, name: string, status: AgentStatusInput, description: string): void {
  agent
    .command(name)
    .description(description)
    .argument('<id>', 'agent id')
    .action(
      clientAction(runtime, async (ctx, _flags: object, id: string) => {
        const answer = await ctx.client.agents.setStatus(id, status);
        ctx.print(answer, () => `Agent ${answer.agent.id} is ${statusColour(ctx.style, answer.agent.status)(answer.agent.status)}.\n`);
      }),
    );
}

/** The flags as the API's fields; an unset flag stays undefined, which JSON leaves out of the body. */
function registerInput(flags: RegisterFlags): RegisterAgentInput {
  return {
    name: flags.name,
    id: flags.id,
    capabilities: flags.capabilities,
    kind: flags.kind,
    maxConcurrentTasks: flags.maxConcurrent,
    reliability: flags.reliability,
    costPerHour: flags.costPerHour,
    status: flags.paused === true ? 'PAUSED' : undefined,
  };
}

function agentColumns(style: Style): Column<AgentView>[] {
  return [
    { header: 'ID', value: (a) => a.id },
    { header: 'NAME', value: (a) => a.name, maxWidth: 30 },
    { header: 'KIND', value: (a) => a.kind },
    { header: 'STATUS', value: (a) => a.status, paint: (cell, a) => statusColour(style, a.status)(cell) },
    {
      header: 'LOAD',
      value: (a) => `${a.load}/${a.maxConcurrentTasks}`,
      align: 'right',
      paint: (cell, a) => (a.overloaded ? style.red(cell) : cell),
    },
    { header: 'DONE', value: (a) => String(a.completedCount), align: 'right' },
    { header: 'FAILED', value: (a) => String(a.failedCount), align: 'right' },
    { header: 'RELIABILITY', value: (a) => a.reliability.toFixed(2), align: 'right' },
    { header: 'HEARTBEAT', value: (a) => time(a.lastHeartbeatAt) },
    { header: 'CAPABILITIES', value: (a) => list(a.capabilities), maxWidth: 50 },
  ];
}

function agentFields(a: AgentView, style: Style): [string, string | null][] {
  return [
    ['Status', `${statusColour(style, a.status)(a.status)}${a.overloaded ? style.red(' (overloaded)') : ''}`],
    ['Kind', a.kind],
    ['Capabilities', list(a.capabilities)],
    ['Load', `${a.load} of ${a.maxConcurrentTasks}`],
    ['Reliability', `${a.reliability.toFixed(3)} learned, ${a.declaredReliability.toFixed(3)} declared`],
    ['Record', `${a.completedCount} completed, ${a.failedCount} failed`],
    ['Cost per hour', a.costPerHour === null ? null : String(a.costPerHour)],
    ['Heartbeat', time(a.lastHeartbeatAt)],
    ['Last assigned', time(a.lastAssignedAt)],
    ['Registered', time(a.createdAt)],
  ];
}
