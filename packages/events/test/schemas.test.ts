import { compareStreamIds, eventSchema, newEventSchema, EVENT_TYPES, streamIdSchema } from '../src';

const base = {
  timestamp: '2026-11-24T10:00:00.000Z',
  workflowId: 'network-check-1',
  runId: 'r1',
  workflowType: 'networkCheck',
  correlationId: 'c1',
};

describe('event schemas', () => {
  it('covers every type of the realtime contract', () => {
    expect(EVENT_TYPES).toEqual(
      expect.arrayContaining([
        'execution_started',
        'execution_completed',
        'execution_failed',
        'execution_halted',
        'node_started',
        'node_completed',
        'node_failed',
        'breaker_state_changed',
        'emergency_state_changed',
        'receipts_processed',
        'operation_status_changed',
        'disbursement_status_changed',
        'pnl_updated',
      ]),
    );
  });

  it('accepts a valid node_completed and rejects one missing its fields', () => {
    const ok = {
      ...base,
      id: '1-0',
      type: 'node_completed',
      node_id: 'a1',
      node_name: 'fetch',
      duration_ms: 3,
      status: 'success',
      outputs: { h: 1 },
    };
    expect(eventSchema.parse(ok)).toMatchObject({ type: 'node_completed', duration_ms: 3 });
    const bad = eventSchema.safeParse({ ...ok, duration_ms: undefined });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('duration_ms');
  });

  it('producer schema has no id; consumer schema requires one', () => {
    const ev = { ...base, type: 'execution_started' };
    expect(newEventSchema.safeParse(ev).success).toBe(true);
    expect(eventSchema.safeParse(ev).success).toBe(false);
    expect(eventSchema.safeParse({ ...ev, id: 'x' }).success).toBe(false);
  });

  it('disbursement_status_changed carries many items of one batch with its counts', () => {
    const ev = {
      ...base,
      workflowId: 'disburse-b1',
      workflowType: 'disburse',
      type: 'disbursement_status_changed',
      batch_id: 'b1',
      items: [
        { id: 'a', status: 'EXECUTED', tx_hash: '0x1', nonce: 4 },
        { id: 'b', status: 'CANCELLED', reason: 'dependency a did not execute', root_cause: 'a' },
      ],
      counts: { QUEUED: 0, EXECUTED: 1, CANCELLED: 1, FAILED: 0 },
    };
    expect(newEventSchema.safeParse(ev).success).toBe(true);
    expect(newEventSchema.safeParse({ ...ev, items: [{ id: 'a', status: 'PAID' }] }).success).toBe(false);
  });

  it('rejects unknown types', () => {
    expect(newEventSchema.safeParse({ ...base, type: 'nope' }).success).toBe(false);
  });
});

describe('stream ids', () => {
  it('compare numerically, not lexically', () => {
    expect(compareStreamIds('9-0', '10-0')).toBe(-1);
    expect(compareStreamIds('10-2', '10-10')).toBe(-1);
    expect(compareStreamIds('10-10', '10-10')).toBe(0);
    expect(compareStreamIds('1700000000001-0', '1700000000000-99')).toBe(1);
  });
  it('validates shape', () => {
    expect(streamIdSchema.safeParse('1-0').success).toBe(true);
    expect(streamIdSchema.safeParse('1').success).toBe(false);
    expect(streamIdSchema.safeParse(`${'9'.repeat(21)}-0`).success).toBe(false);
    expect(streamIdSchema.safeParse(5).success).toBe(false);
  });

  it('carries P&L amounts as exact decimal strings, never numbers', () => {
    const ev = { ...base, type: 'pnl_updated', total: '-12.5', by_market: { compute: '-12.5', ad: '0' }, balance: '99987.5' };
    expect(newEventSchema.safeParse(ev).success).toBe(true);
    expect(newEventSchema.safeParse({ ...ev, total: -12.5 }).success).toBe(false);
    expect(newEventSchema.safeParse({ ...ev, by_market: { compute: 7016.059999999998 } }).success).toBe(false);
    expect(newEventSchema.safeParse({ ...ev, balance: '1.1234567' }).success).toBe(false);
  });
});
