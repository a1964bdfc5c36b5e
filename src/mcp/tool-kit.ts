import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { SwitchboardApiError, SwitchboardClientError, type SwitchboardClient } from '../sdk/index.js';

/**
 * What every tool and resource handler works with, and what both transports provide: the
 * SDK client made with the caller's own token (over HTTP it is answered in process by the
 * same REST routes, over stdio by the remote server), and the agent that token is bound to.
 * Every decision of who may do what stays REST's; a handler only shapes calls and answers.
 */
export interface McpBackend {
  client: SwitchboardClient;
  /** The agent the caller acts as when a tool's `agentId` is omitted; null for a token bound to no agent (an operator's) unless stdio's --agent names one. */
  agentId: string | null;
}

/** One tool: its schemas (zod, published as JSON Schema in tools/list) and a handler answering the structured content. */
export interface ToolDefinition<In extends z.ZodObject = z.ZodObject, Out extends z.ZodObject = z.ZodObject> {
  name: string;
  description: string;
  input: In;
  output: Out;
  /** Whether the tool changes nothing (MCP `readOnlyHint`, so a client may call it without asking). */
  readOnly: boolean;
  run(args: z.output<In>, backend: McpBackend): Promise<z.input<Out>>;
}

/**
 * Declares a tool with its handler typed by its own schemas. The table holds tools of many
 * schemas, so the type is widened here; that is sound because the server hands `run` only
 * what this tool's `input` parsed (mcp-server.ts).
 */
export function defineTool<In extends z.ZodObject, Out extends z.ZodObject>(tool: ToolDefinition<In, Out>): ToolDefinition {
  return tool as unknown as ToolDefinition;
}

/**
 * The error of a tool call as the caller reads it: Switchboard's `code` (docs/errors.md),
 * the message and the details, the same fields as REST's error envelope. It travels in the
 * result's `_meta` under this key and, for a model that reads only text, as the text.
 */
export const ERROR_META_KEY = 'switchboard/error';

/** The fields of {@link ERROR_META_KEY}. */
export interface ToolError {
  code: string;
  error: string;
  details: Record<string, unknown>;
}

/**
 * A refused or failed call as an `isError` result, never a protocol error: MCP hands tool
 * errors to the model so it can correct itself. No `structuredContent`: clients check it
 * against the output schema, which describes success.
 */
export function errorResult(failure: ToolError): CallToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: `${failure.code}: ${failure.error}${detailsText(failure.details)}` }],
    _meta: { [ERROR_META_KEY]: failure },
  };
}

/** What went wrong, in Switchboard's terms: the server's code, or the SDK's NETWORK / INVALID_RESPONSE. */
export function toolErrorOf(err: unknown): ToolError | null {
  if (err instanceof ToolRefusal) return err.toolError;
  if (err instanceof SwitchboardApiError) return { code: err.code, error: err.message, details: { ...err.details } };
  if (err instanceof SwitchboardClientError) return { code: err.code, error: err.message, details: {} };
  return null;
}

/** Arguments the schema refuses, as VALIDATION_FAILED naming the first offending field, as REST words it. */
export function validationError(error: z.ZodError): ToolError {
  const issue = error.issues[0];
  const field = `/${(issue?.path ?? []).map(String).join('/')}`;
  return {
    code: 'VALIDATION_FAILED',
    error: `${field} ${issue?.message ?? 'is invalid'}`,
    details: { field, issues: error.issues.length },
  };
}

function detailsText(details: Record<string, unknown>): string {
  return Object.keys(details).length === 0 ? '' : ` ${JSON.stringify(details)}`;
}

/** A call this layer refuses before the server sees it; carries the error as the server would word it. */
export class ToolRefusal extends Error {
  constructor(readonly toolError: ToolError) {
    super(toolError.error);
  }
}

/** The agent a call acts as: the argument, else the caller's own; refused by name when neither is known. */
export function agentOf(argument: string | undefined, backend: McpBackend): string {
  const agentId = argument ?? backend.agentId;
  if (agentId === null) {
    throw new ToolRefusal({
      code: 'VALIDATION_FAILED',
      error: 'agentId is required: this token is not bound to an agent',
      details: { field: '/agentId' },
    });
  }
  return agentId;
}
