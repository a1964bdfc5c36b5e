import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Command } from 'commander';
import { createMcpServer } from '../../mcp/mcp-server.js';
import { clientAction, type ClientContext } from '../client-action.js';
import { untilStopped, type CliRuntime } from '../runtime.js';

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
    .option('--agent <id>', 'the agent an agent token is bound to: claim_task and heartbeat act as it when given no agentId')
    .action(clientAction(runtime, (ctx, flags: McpFlags) => serveStdio(ctx, flags)));
}

async function serveStdio(ctx: ClientContext, flags: McpFlags): Promise<void> {
  const server = createMcpServer({ client: ctx.client, agentId: flags.agent ?? null });
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
