import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Command } from 'commander';
import { createMcpServer } from '../../mcp/mcp-server.js';
import { clientAction, type ClientContext } from '../client-action.js';
import { EXIT_USAGE, untilStopped, type CliRuntime } from '../runtime.js';

interface McpFlags {
  agent?: string;
}

/**
 * `switchboard mcp`: an MCP server on stdin/stdout for a client that spawns its servers (an
 * IDE, a chat app), fronting a remote Switchboard. Every tool is an SDK call with `--token`,
 * so the remote server decides what the token may do, as it does for `/mcp` over HTTP. While
 * it runs, stdout belongs to the protocol: nothing else is printed there.
 */
export function mcpCommand(program: Command, runtime: CliRuntime): void {
  program
    .command('mcp')
    .description('serve the MCP tools on stdin/stdout for an MCP client, talking to the server at --url with --token')
    .option(
      '--agent <id>',
      "the agent claim_task and heartbeat act as when given no agentId (default: an agent token's own agent, asked of the server)",
    )
    .action(clientAction(runtime, (ctx, flags: McpFlags) => serveStdio(ctx, flags)));
}

async function serveStdio(ctx: ClientContext, flags: McpFlags): Promise<void> {
  const agentId = await actingAgent(ctx, flags.agent);
  if (agentId === undefined) return;
  const server = createMcpServer({ client: ctx.client, agentId });
  server.onerror = (err) => ctx.runtime.err(`mcp: ${err.message}\n`);
  const ended = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  await server.connect(new StdioServerTransport());
  // The client closing our stdin is the normal end of a session; a signal ends it too.
  await Promise.race([ended, untilStopped(ctx.runtime.stopSignal())]);
  await server.close();
}

/**
 * The agent the tools act as by default. The token is asked first (whoami), before the MCP
 * client is told the server is up: a bad token or an unreachable server then fails the start
 * with its message and exit code instead of failing every tool call later, and an agent
 * token needs no `--agent` typed next to it. A `--agent` that names another agent than the
 * token's own could only ever be refused (FORBIDDEN on every claim), so it is a usage error.
 * Answers undefined when the command has already ended with a usage error.
 */
async function actingAgent(ctx: ClientContext, flag: string | undefined): Promise<string | null | undefined> {
  const { principal, agent } = await ctx.client.whoami();
  if (principal.agentId === null) return flag ?? null;
  if (flag !== undefined && flag !== principal.agentId) {
    ctx.runtime.err(
      `error: --agent ${flag} contradicts the token, which is bound to agent ${principal.agentId}; ` +
        `drop --agent (the token's agent is used) or pass a token of agent ${flag}\n`,
    );
    ctx.runtime.exit(EXIT_USAGE);
    return undefined;
  }
  if (agent === null) ctx.runtime.err(`warning: the token's agent ${principal.agentId} was removed; its tools will be refused\n`);
  return principal.agentId;
}
