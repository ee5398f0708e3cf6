import { loadConfig } from '@blockops/config';
import { handshakeSchema, type BlockopsEvent } from '@blockops/events';
import { createSubscriptions, matchesAny, roomsOf, subscriptionRoom } from '../lib/server/rooms';
import { bearer, roleForKey, satisfies } from '../lib/server/auth';

const ev = (over: Partial<BlockopsEvent> = {}) =>
  ({
    id: '1-0',
    type: 'execution_started',
    timestamp: '2026-11-24T00:00:00.000Z',
    workflowId: 'wf-1',
    runId: 'r',
    workflowType: 'networkCheck',
    correlationId: 'c',
    taskQueue: 'q',
    attempt: 1,
    ...over,
  }) as BlockopsEvent;

describe('rooms', () => {
  it('puts every event in all, its workflow and its type', () => {
    expect(roomsOf(ev())).toEqual(['all', 'workflow:wf-1', 'type:networkCheck']);
  });
  it('adds emergency and breakers rooms for those events', () => {
    expect(roomsOf(ev({ type: 'emergency_state_changed' } as never))).toContain('emergency');
    expect(roomsOf(ev({ type: 'breaker_state_changed' } as never))).toContain('breakers');
  });
  it("puts an operation's status change in its run's room and the operations room, whoever announced it", () => {
    const late = ev({
      type: 'operation_status_changed',
      workflowId: 'receipt-poller',
      workflowType: 'receiptPoller',
      operation_id: 'x1',
      status: 'CONFIRMED',
    } as never);
    expect(roomsOf(late)).toEqual(['all', 'workflow:receipt-poller', 'type:receiptPoller', 'workflow:op-x1', 'type:operation']);
    const own = ev({
      type: 'operation_status_changed',
      workflowId: 'op-x1',
      workflowType: 'operation',
      operation_id: 'x1',
      status: 'SUBMITTED',
    } as never);
    expect(roomsOf(own)).toEqual(['all', 'workflow:op-x1', 'type:operation']);
  });
  it('matches a subscription by any of its rooms', () => {
    expect(matchesAny(ev(), ['workflow:wf-1'])).toBe(true);
    expect(matchesAny(ev(), ['workflow:wf-2', 'type:other'])).toBe(false);
  });
  it('routes a batch once per distinct subscription, each getting exactly its events in order', () => {
    const subs = createSubscriptions();
    const everything = subs.roomFor(['all']);
    expect(subs.roomFor(['all', 'all'])).toBe(everything);
    const wf1 = subs.roomFor(['workflow:wf-1', 'type:other']);
    expect(subs.roomFor(['type:other', 'workflow:wf-1'])).toBe(wf1); // order does not matter
    const breakers = subs.roomFor(['breakers']);
    const gone = subs.roomFor(['workflow:gone']);
    const batch = [
      ev({ id: '1-0' }),
      ev({ id: '2-0', workflowId: 'wf-2' }),
      ev({ id: '3-0' }),
      ev({ id: '4-0', type: 'breaker_state_changed' } as never),
    ];
    const occupied = new Set([everything, wf1, breakers]);
    const routed = subs.route(batch, (room) => occupied.has(room));
    const ids = Object.fromEntries(routed.map((r) => [r.room, r.events.map((e) => e.id)]));
    expect(ids).toEqual({ [everything]: ['1-0', '2-0', '3-0', '4-0'], [wf1]: ['1-0', '3-0', '4-0'], [breakers]: ['4-0'] });
    // a subscription found empty is forgotten (its clients left); asked for again, it comes back
    expect(subs.route(batch, () => true).map((r) => r.room)).not.toContain(gone);
    expect(subscriptionRoom(['workflow:gone'])).toBe(gone);
    expect(subs.route([ev({ workflowId: 'gone' })], () => true).map((r) => r.room)).not.toContain(gone);
    subs.roomFor(['workflow:gone']);
    expect(subs.route([ev({ workflowId: 'gone' })], () => true).map((r) => r.room)).toContain(gone);
  });
  it('validates the handshake, naming the bad field', () => {
    expect(handshakeSchema.parse({})).toEqual({ rooms: ['all'] });
    const bad = handshakeSchema.safeParse({ rooms: ['nope'] });
    expect(bad.success).toBe(false);
    const badId = handshakeSchema.safeParse({ lastEventId: '12' });
    expect(badId.error?.issues[0]?.path).toEqual(['lastEventId']);
    expect(handshakeSchema.safeParse({ rooms: Array(21).fill('all') }).error?.issues[0]?.message).toContain('20');
  });
});

describe('auth', () => {
  const on = loadConfig({ BLOCKOPS_OPERATOR_KEY: 'operator-key-0123456789', BLOCKOPS_VIEWER_KEY: 'viewer-key-0123456789' });
  it('is open (operator) when no key is configured', () => {
    expect(roleForKey(loadConfig({}), undefined)).toBe('operator');
  });
  it('grants by key when keys are configured', () => {
    expect(roleForKey(on, 'operator-key-0123456789')).toBe('operator');
    expect(roleForKey(on, 'viewer-key-0123456789')).toBe('viewer');
    expect(roleForKey(on, 'wrong')).toBeUndefined();
    expect(roleForKey(on, undefined)).toBeUndefined();
  });
  it('viewers read, only operators control', () => {
    expect(satisfies('viewer', 'viewer')).toBe(true);
    expect(satisfies('viewer', 'operator')).toBe(false);
    expect(satisfies('operator', 'viewer')).toBe(true);
    expect(satisfies(undefined, 'viewer')).toBe(false);
  });
  it('parses bearer headers', () => {
    expect(bearer('Bearer abc')).toBe('abc');
    expect(bearer('bearer  abc ')).toBe('abc');
    expect(bearer('Basic abc')).toBeUndefined();
    expect(bearer(null)).toBeUndefined();
  });
});
