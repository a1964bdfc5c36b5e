import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLES, assertActsAs, assertCan, assertMaySetStatus, can, reporterFor, type Caller, type Role } from './access.js';
import { AGENT_STATUSES } from './agent.js';
import { SwitchboardError } from './errors.js';

/**
 * The table as README.md (Security) words it, written out here by hand: a change to GRANTS
 * that the documentation does not make fails this test instead of passing silently.
 */
const DOCUMENTED: Record<Role, string> = {
  admin: 'read tasks:write agents:write agents:admin agent:report admin',
  operator: 'read tasks:write agents:write agent:report',
  viewer: 'read',
  agent: 'read agent:report',
};

const role = fc.constantFrom(...ROLES);
const permission = fc.constantFrom(...PERMISSIONS);
const agentId = fc.string({ minLength: 1, maxLength: 12 });
const caller: fc.Arbitrary<Caller> = fc.oneof(
  agentId.map((id) => ({ role: 'agent' as const, agentId: id })),
  fc.constantFrom<Role>('admin', 'operator', 'viewer').map((r) => ({ role: r, agentId: null })),
);

/** The code and details a rule refused with, or null when it let the call through. */
function refusal(rule: () => void): { code: string; message: string; details: unknown } | null {
  try {
    rule();
    return null;
  } catch (err) {
    if (!(err instanceof SwitchboardError)) throw err;
    return { code: err.code, message: err.message, details: err.details };
  }
}

describe('core/access: who may do what', () => {
  it('can() holds exactly the documented table, for every role and permission', () => {
    fc.assert(
      fc.property(role, permission, (r, p) => {
        expect(can(r, p)).toBe(DOCUMENTED[r].split(' ').includes(p));
      }),
    );
  });

  it('every role reads; only admin holds admin', () => {
    for (const r of ROLES) expect(can(r, 'read')).toBe(true);
    expect(ROLES.filter((r) => can(r, 'admin'))).toEqual(['admin']);
  });

  it('assertCan refuses FORBIDDEN with the role and the permission exactly when can() says no', () => {
    fc.assert(
      fc.property(caller, permission, (c, p) => {
        const refused = refusal(() => assertCan(c, p));
        if (can(c.role, p)) expect(refused).toBeNull();
        else
          expect(refused).toEqual({
            code: 'FORBIDDEN',
            message: `Role ${c.role} may not do this (needs ${p})`,
            details: { role: c.role, permission: p },
          });
      }),
    );
  });

  it('an agent caller acts only as its own agent; other roles act as any agent', () => {
    fc.assert(
      fc.property(caller, agentId, (c, target) => {
        const refused = refusal(() => assertActsAs(c, target));
        const allowed = c.role !== 'agent' || c.agentId === target;
        expect(refused === null).toBe(allowed);
        if (!allowed) expect(refused).toMatchObject({ code: 'FORBIDDEN', details: { boundTo: c.agentId, actingAs: target } });
        // Random ids rarely collide: acting as one's own id is checked every run.
        if (c.agentId !== null) expect(refusal(() => assertActsAs(c, c.agentId ?? ''))).toBeNull();
      }),
    );
  });

  it('an agent token bound to nothing acts as no agent', () => {
    expect(refusal(() => assertActsAs({ role: 'agent', agentId: null }, 'any'))?.code).toBe('FORBIDDEN');
  });

  it('an agent sets only its own status, and never OFFLINE; other roles set any status of any agent', () => {
    fc.assert(
      fc.property(caller, agentId, fc.constantFrom(...AGENT_STATUSES), (c, target, status) => {
        const refused = refusal(() => assertMaySetStatus(c, target, status));
        const allowed = c.role !== 'agent' || (c.agentId === target && status !== 'OFFLINE');
        expect(refused === null).toBe(allowed);
        if (refused !== null) expect(refused.code).toBe('FORBIDDEN');
      }),
    );
    expect(refusal(() => assertMaySetStatus({ role: 'agent', agentId: 'a' }, 'a', 'OFFLINE'))?.message).toBe(
      'Role agent may not do this (needs agents:write (an agent may not set itself OFFLINE))',
    );
  });

  it('an agent caller reports as its agent; others report as nobody in particular; the fencing token is passed on', () => {
    fc.assert(
      fc.property(caller, fc.option(fc.nat(), { nil: undefined }), (c, leaseToken) => {
        const reporter = reporterFor(c, leaseToken);
        expect(reporter.agentId).toBe(c.role === 'agent' ? (c.agentId ?? undefined) : undefined);
        expect(reporter.leaseToken).toBe(leaseToken);
        expect(Object.keys(reporter).sort()).toEqual(
          [...(reporter.agentId === undefined ? [] : ['agentId']), ...(leaseToken === undefined ? [] : ['leaseToken'])].sort(),
        );
      }),
    );
  });
});
