import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { reporterFor } from '../core/access.js';
import { ValidationError } from '../core/errors.js';
import type { Reporter } from '../core/state-machine.js';
import type { OrchestratorApi } from '../services/types.js';
import { principalOf } from './auth-hook.js';
import type { IdempotentCreates } from './idempotency.js';

/** The Fastify instance the route modules see: schemas typed by TypeBox. */
export type TypedApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** What every route module is given by buildApp. */
export interface RouteContext {
  orchestrator: OrchestratorApi;
  creates: IdempotentCreates;
}

/** Lets runners send the fencing token without a body (start, heartbeat-like calls). */
export const LEASE_TOKEN_HEADER = 'x-lease-token';

/** The event log's actor for this request. */
export function actorOf(request: FastifyRequest): string {
  return principalOf(request).subject;
}

/** Who reports on a task, by core/access.ts; the fencing token comes from the body or the X-Lease-Token header. */
export function reporterOf(request: FastifyRequest, bodyLeaseToken: number | undefined): Reporter {
  return reporterFor(principalOf(request), bodyLeaseToken ?? headerLeaseToken(request));
}

function headerLeaseToken(request: FastifyRequest): number | undefined {
  const raw = request.headers[LEASE_TOKEN_HEADER];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw.trim())) {
    throw new ValidationError('X-Lease-Token must be a non-negative integer', { field: 'X-Lease-Token', location: 'headers' });
  }
  return Number(raw.trim());
}

/**
 * Parses a comma-separated, case-insensitive list of allowed values (`?status=pending,assigned`),
 * naming the field in the error so the caller knows what to fix.
 */
export function parseList<T extends string>(raw: string | undefined, allowed: readonly T[], field: string): T[] | undefined {
  if (raw === undefined) return undefined;
  const values: T[] = [];
  for (const part of raw.split(',')) {
    const wanted = part.trim();
    const match = allowed.find((a) => a.toUpperCase() === wanted.toUpperCase());
    if (match === undefined)
      throw new ValidationError(`Invalid ${field} "${wanted}": expected one of ${allowed.join(', ')}`, { field: `/${field}` });
    if (!values.includes(match)) values.push(match);
  }
  return values;
}
