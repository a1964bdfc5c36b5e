import type { Command } from 'commander';
import type { WhoamiResponse } from '../../sdk/index.js';
import { clientAction } from '../client-action.js';
import { statusColour, type Style } from '../output/style.js';
import { clean, renderFields } from '../output/table.js';
import { orNone } from '../output/values.js';
import type { CliRuntime } from '../runtime.js';

/**
 * `switchboard whoami`: which server and which token this shell is using, and what that token
 * may do. The quickest check that SWITCHBOARD_URL and SWITCHBOARD_TOKEN are what one thinks.
 */
export function whoamiCommand(program: Command, runtime: CliRuntime): void {
  program
    .command('whoami')
    .description("the token's role, its bound agent (for an agent token) and the server it was checked against")
    .action(
      clientAction(runtime, async (ctx) => {
        const answer = await ctx.client.whoami();
        ctx.print(answer, () => renderFields(whoamiFields(answer, ctx.connection.url, ctx.style), ctx.style.dim));
      }),
    );
}

function whoamiFields(answer: WhoamiResponse, url: string, style: Style): [string, string | null][] {
  const { principal: p, agent } = answer;
  return [
    ['Server', url],
    ['Role', style.bold(p.role)],
    ['Subject', p.subject],
    ['Token', orNone(p.tokenId)],
    ['Agent', p.agentId === null ? null : agentLine(p.agentId, answer.agent, style)],
    ['Kind', agent?.kind ?? null],
  ];
}

/** An agent token whose agent was removed still authenticates, but can do nothing as it: say so. */
function agentLine(agentId: string, agent: WhoamiResponse['agent'], style: Style): string {
  if (agent === null) return `${agentId} ${style.red('(removed: this token can no longer act as it)')}`;
  return `${agent.id}  ${clean(agent.name)}  ${statusColour(style, agent.status)(agent.status)}`;
}
