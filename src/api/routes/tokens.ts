import { Type } from '@fastify/type-provider-typebox';
import { ROLES, type ApiToken } from '../../core/access.js';
import { ValidationError } from '../../core/errors.js';
import type { IssuedToken } from '../../services/tokens.js';
import type { Role } from '../../services/auth.js';
import type { TypedApp } from '../route-context.js';
import { errorResponses, ok } from '../schemas.js';

/** Issues, lists and revokes API tokens (admin only). TokenService implements it. */
export interface TokenAdmin {
  issue(params: { label: string; role: Role; agentId?: string | null }): Promise<IssuedToken>;
  list(): Promise<ApiToken[]>;
  revoke(id: string): Promise<boolean>;
}

const tags = ['tokens'];

/** A token as the API shows it (tokenView): never the secret. */
export const TokenViewSchema = Type.Object({
  id: Type.String(),
  label: Type.String(),
  role: Type.Enum(ROLES),
  agentId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

/** POST /api/tokens: agentId is required for the agent role, and only for it. */
export const CreateTokenBody = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 200 }),
    role: Type.Enum(ROLES),
    agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);
/** POST /api/tokens: the secret is in this answer only. */
export const IssuedTokenEnvelope = ok({ token: TokenViewSchema, secret: Type.String() });
/** GET /api/tokens. */
export const TokenListEnvelope = ok({ tokens: Type.Array(TokenViewSchema) });
/** DELETE /api/tokens/:tokenId. */
export const RevokedEnvelope = ok({ revoked: Type.Boolean() });
/** The :tokenId parameter. */
export const TokenIdParams = Type.Object({ tokenId: Type.String({ minLength: 1, maxLength: 64 }) });

/** A token as the API shows it: never the secret or its hash. */
function tokenView(t: ApiToken) {
  return {
    id: t.id,
    label: t.label,
    role: t.role,
    agentId: t.agentId,
    createdAt: new Date(t.createdAt).toISOString(),
    revokedAt: t.revokedAt === null ? null : new Date(t.revokedAt).toISOString(),
  };
}

/**
 * Token administration. The secret is returned once, by the create; only its hash is
 * stored. An `agent` token must name the registered agent it acts as: an unknown id is
 * AGENT_NOT_FOUND (404, like every other reference to a missing agent).
 */
export function tokenRoutes(app: TypedApp, tokens: TokenAdmin): void {
  app.get(
    '/tokens',
    {
      config: { permission: 'admin' },
      schema: {
        tags,
        summary: 'All API tokens (without secrets)',
        response: { 200: TokenListEnvelope, ...errorResponses },
      },
    },
    async () => ({ success: true as const, tokens: (await tokens.list()).map(tokenView) }),
  );

  app.post(
    '/tokens',
    {
      config: { permission: 'admin' },
      schema: {
        tags,
        summary: 'Issue a token; the secret is in this answer only',
        description: 'An agent token must name a registered agent: an unknown agentId answers 404 AGENT_NOT_FOUND.',
        body: CreateTokenBody,
        response: { 201: IssuedTokenEnvelope, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { label, role, agentId } = request.body;
      if ((role === 'agent') !== (agentId !== undefined)) {
        throw new ValidationError('agentId is required for the agent role, and only for it', { field: '/agentId' });
      }
      const issued = await tokens.issue({ label, role, agentId: agentId ?? null });
      void reply.code(201);
      return { success: true as const, token: tokenView(issued.token), secret: issued.secret };
    },
  );

  app.delete(
    '/tokens/:tokenId',
    {
      config: { permission: 'admin' },
      schema: {
        tags,
        summary: 'Revoke a token',
        params: TokenIdParams,
        response: { 200: RevokedEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      if (!(await tokens.revoke(request.params.tokenId))) {
        throw new ValidationError(`No active token with id ${request.params.tokenId}`, { field: '/tokenId' });
      }
      return { success: true as const, revoked: true };
    },
  );
}
