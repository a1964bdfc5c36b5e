import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode as JsonRpcCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { packageVersion } from '../package-root.js';
import { listedResources, readResource, RESOURCE_TEMPLATES } from './resources.js';
import { errorResult, toolErrorOf, validationError, type McpBackend, type ToolDefinition } from './tool-kit.js';
import { TOOLS } from './tools.js';

/** The name the server gives in its `initialize` answer. */
export const MCP_SERVER_NAME = 'switchboard';

/**
 * One MCP server over one caller's backend, for one connection (stdio) or one request
 * (stateless Streamable HTTP). The low-level `Server` rather than `McpServer`: McpServer
 * words a refused argument as bare text, and every error here carries Switchboard's code
 * (tool-kit.ts). A failure that is neither the server's nor the network's is a bug and
 * propagates, answered as a JSON-RPC internal error by the SDK, never a crash of the process.
 */
export function createMcpServer(backend: McpBackend, tools: readonly ToolDefinition[] = TOOLS): Server {
  const server = new Server(
    { name: MCP_SERVER_NAME, version: packageVersion() },
    {
      capabilities: { tools: {}, resources: {} },
      instructions:
        'Switchboard hands out coding tasks. Call claim_task to take one, report_progress while working (it renews the lease), ' +
        'then complete_task with the result or fail_task with a reason. Errors carry a Switchboard code (docs/errors.md).',
    },
  );
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  const listed: Tool[] = tools.map(describeTool);

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));
  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const tool = byName.get(request.params.name);
    // An unknown tool is the client's protocol mistake, not something the model can retry its way out of.
    if (tool === undefined) throw new McpError(JsonRpcCode.InvalidParams, `Unknown tool ${request.params.name}`);
    const parsed = tool.input.safeParse(request.params.arguments ?? {});
    if (!parsed.success) return errorResult(validationError(parsed.error));
    try {
      const structured = (await tool.run(parsed.data, backend)) as Record<string, unknown>;
      return { structuredContent: structured, content: [{ type: 'text', text: JSON.stringify(structured) }] };
    } catch (err) {
      const failure = toolErrorOf(err);
      if (failure === null) throw err;
      return errorResult(failure);
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: listedResources(backend) }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: [...RESOURCE_TEMPLATES] }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    try {
      return await readResource(request.params.uri, backend);
    } catch (err) {
      const failure = toolErrorOf(err);
      if (failure === null) throw err;
      // Resources have no isError: a refusal is a JSON-RPC error whose data is the same error as a tool's.
      throw new McpError(JsonRpcCode.InvalidParams, `${failure.code}: ${failure.error}`, failure);
    }
  });
  return server;
}

function describeTool(tool: ToolDefinition): Tool {
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: z.toJSONSchema(tool.input, { io: 'input' }) as Tool['inputSchema'],
    outputSchema: z.toJSONSchema(tool.output, { io: 'output' }) as NonNullable<Tool['outputSchema']>,
    annotations: { readOnlyHint: tool.readOnly },
  };
}
