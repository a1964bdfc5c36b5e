import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ERROR_META_KEY, type ToolError } from '../../src/mcp/tool-kit.js';

/** The MCP SDK's own client, connected over `transport`; the caller closes it. */
export async function connectClient(transport: Transport): Promise<Client> {
  const client = new Client({ name: 'switchboard-test', version: '0.0.0' });
  await client.connect(transport);
  return client;
}

/** A Streamable HTTP transport to `<url>/mcp` with a bearer token (none for null). */
export function httpTransport(url: string, token: string | null): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL('/mcp', url), {
    requestInit: token === null ? {} : { headers: { authorization: `Bearer ${token}` } },
  });
}

/** Calls a tool and answers its structured content, failing the test with the error when it is one. */
export async function callOk(client: Client, name: string, args: Record<string, unknown> = {}): Promise<any> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError === true) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent;
}

/** Calls a tool expected to fail and answers the Switchboard error it carries. */
export async function callError(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolError> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError !== true) throw new Error(`${name} succeeded: ${JSON.stringify(result.structuredContent)}`);
  return result._meta?.[ERROR_META_KEY] as ToolError;
}

/** Reads a resource and parses its one JSON text content. */
export async function readJson(client: Client, uri: string): Promise<any> {
  const content = (await client.readResource({ uri })).contents[0];
  if (content === undefined || !('text' in content)) throw new Error(`${uri}: no text content`);
  return JSON.parse(content.text);
}
