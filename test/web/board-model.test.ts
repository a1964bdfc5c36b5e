import { describe, expect, it } from 'vitest';
import { attentionReasons, CapabilityCoverage } from '../../web/src/lib/attention.js';
import { buildBoard, openingColumn, parseFilters } from '../../web/src/lib/board-model.js';
import { slaState } from '../../web/src/lib/sla.js';
import { agent, task } from './fixtures.js';

const NOW = Date.parse('2026-01-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

describe('SLA state', () => {
  it('is amber under 20% of the window, red once the server flags the violation', () => {
    const created = iso(NOW - 9 * HOUR);
    expect(slaState(task({ id: 'T', createdAt: created, slaDeadline: iso(NOW + 5 * HOUR) }), NOW).tone).toBe('ok');
    expect(slaState(task({ id: 'T', createdAt: created, slaDeadline: iso(NOW + 1 * HOUR) }), NOW).tone).toBe('warning');
    expect(slaState(task({ id: 'T', createdAt: created, slaDeadline: iso(NOW + 5 * HOUR), slaWarned: true }), NOW).tone).toBe('warning');
    expect(slaState(task({ id: 'T', createdAt: created, slaDeadline: iso(NOW - 1000) }), NOW).tone).toBe('overdue');
    expect(slaState(task({ id: 'T', createdAt: created, slaDeadline: iso(NOW - 1000), slaViolated: true }), NOW).tone).toBe('violated');
    expect(slaState(task({ id: 'T', status: 'COMPLETED', slaDeadline: iso(NOW - 1000), slaViolated: true }), NOW).tone).toBe('missed');
  });
});

describe('"Needs attention"', () => {
  const coverage = new CapabilityCoverage([
    agent({ id: 'a', capabilities: ['typescript', 'react'] }),
    agent({ id: 'b', capabilities: ['python'], status: 'PAUSED' }),
  ]);

  it('flags SLA trouble, failures, long blocks and work no registered agent can do', () => {
    expect(attentionReasons(task({ id: 'T', slaDeadline: iso(NOW - 1), slaViolated: true }), NOW, coverage)).toEqual(['sla-violated']);
    expect(attentionReasons(task({ id: 'T', status: 'FAILED' }), NOW, coverage)).toEqual(['failed']);
    expect(attentionReasons(task({ id: 'T', status: 'BLOCKED', createdAt: iso(NOW - 2 * HOUR) }), NOW, coverage)).toEqual(['blocked-long']);
    expect(attentionReasons(task({ id: 'T', status: 'BLOCKED', createdAt: iso(NOW - HOUR / 2) }), NOW, coverage)).toEqual([]);
    expect(attentionReasons(task({ id: 'T', requiredCapabilities: ['typescript', 'python'] }), NOW, coverage)).toEqual(['unassignable']);
    // A paused agent is still registered: its capabilities count.
    expect(attentionReasons(task({ id: 'T', requiredCapabilities: ['python'] }), NOW, coverage)).toEqual([]);
    expect(attentionReasons(task({ id: 'T', requiredCapabilities: ['rust'] }), NOW, null)).toEqual([]);
  });
});

describe('board model', () => {
  const tasks = [
    task({ id: 'TASK-001', priority: 'P3', queueRank: 3, title: 'Write docs', agent: 'a', status: 'ASSIGNED' }),
    task({ id: 'TASK-002', priority: 'P0', queueRank: 0, title: 'Fix outage', requiredCapabilities: ['go'] }),
    task({ id: 'TASK-003', priority: 'P2', queueRank: 2, title: 'Refactor', labels: ['backend'] }),
    task({ id: 'TASK-004', status: 'COMPLETED', completedAt: iso(NOW - 1000) }),
    task({ id: 'TASK-005', status: 'COMPLETED', completedAt: iso(NOW - 500) }),
  ];

  it('parses filters from the URL', () => {
    expect(parseFilters(new URLSearchParams('priority=p0,P1,P9&status=pending&agent=a&capability=Go&q=%20fix%20'))).toEqual({
      priorities: ['P0', 'P1'],
      statuses: ['PENDING'],
      agent: 'a',
      capability: 'go',
      q: 'fix',
    });
  });

  it('groups by status in queue order, newest ended work first, and filters', () => {
    const all = buildBoard(tasks, parseFilters(new URLSearchParams()), NOW, null);
    expect(all.columns.PENDING.map((t) => t.id)).toEqual(['TASK-002', 'TASK-003']);
    expect(all.columns.COMPLETED.map((t) => t.id)).toEqual(['TASK-005', 'TASK-004']);
    expect(buildBoard(tasks, parseFilters(new URLSearchParams('q=backend')), NOW, null).shown).toBe(1);
    expect(
      buildBoard(tasks, parseFilters(new URLSearchParams('agent=none&priority=P0')), NOW, null).columns.PENDING.map((t) => t.id),
    ).toEqual(['TASK-002']);
    const lane = buildBoard(
      tasks,
      parseFilters(new URLSearchParams()),
      NOW,
      new CapabilityCoverage([agent({ id: 'a', capabilities: ['docs'] })]),
    );
    expect(lane.attention.map((a) => a.task.id)).toEqual(['TASK-002']);
  });
});

describe('the column a phone opens on', () => {
  const board = (tasks: Parameters<typeof task>[0][]) => buildBoard(tasks.map(task), parseFilters(new URLSearchParams()), NOW, null);
  const statuses = ['BLOCKED', 'PENDING', 'ASSIGNED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;

  it('is the open column with the most tasks, not the lane that holds one of them', () => {
    const tasks = [{ id: 'F', status: 'FAILED' as const }, ...Array.from({ length: 9 }, (_, i) => ({ id: `P${i}` }))];
    expect(openingColumn(board(tasks), statuses)).toBe('PENDING');
  });

  it('leaves ended work aside, and opens on the lane on a tie or an empty board', () => {
    const ended = Array.from({ length: 5 }, (_, i) => ({ id: `C${i}`, status: 'COMPLETED' as const }));
    expect(openingColumn(board([...ended, { id: 'R', status: 'IN_PROGRESS' }]), statuses)).toBe('IN_PROGRESS');
    expect(openingColumn(board([{ id: 'F', status: 'FAILED' }, { id: 'P' }]), statuses)).toBe('attention');
    expect(openingColumn(board([]), statuses)).toBe('attention');
  });

  it('only considers the columns shown', () => {
    const tasks = [{ id: 'P1' }, { id: 'P2' }, { id: 'A', status: 'ASSIGNED' as const }];
    expect(openingColumn(board(tasks), ['ASSIGNED'])).toBe('ASSIGNED');
  });
});
