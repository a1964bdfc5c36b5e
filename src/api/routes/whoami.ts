import { Type } from '@fastify/type-provider-typebox';
import { ROLES } from '../../core/access.js';
import { NotFoundError } from '../../core/errors.js';
import type { Principal } from '../../services/auth.js';
import { principalOf } from '../auth-hook.js';
import type { RouteContext, TypedApp } from '../route-context.js';
import { AgentViewSchema, errorResponses, ok } from '../schemas.js';
import { agentView, type AgentView } from '../views.js';

/** Who the caller is: the principal the auth hook resolved from its token (or the anonymous role). */
export const PrincipalViewSchema = Type.Object({
  subject: Type.String({ description: 'The actor written to the event log: `token:<id>`, `agent:<id>` or `anonymous`' }),
  role: Type.Enum(ROLES),
  agentId: Type.Union([Type.String(), Type.Null()], { description: 'The agent an `agent` token acts as; null for every other role' }),
  tokenId: Type.Union([Type.String(), Type.Null()], { description: 'The API token presented; null without one' }),
});

/** GET /api/whoami. */
export const WhoamiEnvelope = ok({
  principal: PrincipalViewSchema,
  agent: Type.Union([AgentViewSchema, Type.Null()], {
    description: 'The bound agent; null when the token is not an agent token or the agent was removed',
  }),
});

/**
 * Who a token belongs to, asked with the token itself: the dashboard's sign-in and
 * `switchboard mcp` learn the role and the bound agent from it instead of asking the
 * user for an agent id they could mistype.
 */
export function whoamiRoutes(app: TypedApp, { orchestrator }: RouteContext): void {
  app.get(
    '/whoami',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['auth'],
        summary: "The caller's principal (role, bound agent, token) and the bound agent's view",
        response: { 200: WhoamiEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return { success: true as const, principal: principalView(principal), agent: await boundAgent(orchestrator, principal) };
    },
  );
}

function principalView(p: Principal) {
  return { subject: p.subject, role: p.role, agentId: p.agentId, tokenId: p.tokenId };
}

/** A token outlives the removal of its agent; whoami then says so with `agent: null` rather than failing. */
async function boundAgent(orchestrator: RouteContext['orchestrator'], p: Principal): Promise<AgentView | null> {
  if (p.agentId === null) return null;
  try {
    return agentView(await orchestrator.getAgent(p.agentId));
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}
