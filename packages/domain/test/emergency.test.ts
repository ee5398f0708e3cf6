import {
  EMERGENCY_ACTIONS,
  EMERGENCY_STATES,
  allowsSubmissions,
  breachReason,
  evaluateRisk,
  pausesPoller,
  targetState,
  transitionProblem,
  utcDay,
  type EmergencyAction,
  type EmergencyState,
} from '../src/emergency';
import { parseAmount } from '../src/money';

describe('emergency transitions', () => {
  const allowed: Record<EmergencyAction, EmergencyState[]> = {
    alert: ['NORMAL', 'ALERT'],
    halt: ['NORMAL', 'ALERT'],
    shutdown: ['NORMAL', 'ALERT', 'HALT'],
    resume: ['ALERT', 'HALT', 'SHUTDOWN'],
  };

  it.each(EMERGENCY_ACTIONS.flatMap((a) => EMERGENCY_STATES.map((s) => [a, s] as const)))('%s from %s', (action, state) => {
    const problem = transitionProblem(state, action, 'because');
    if (allowed[action].includes(state)) expect(problem).toBeUndefined();
    else expect(problem).toBe(`cannot ${action} from ${state}: ${action} is allowed from ${allowed[action].join(', ')}`);
  });

  it('leads each action to its state', () => {
    expect(EMERGENCY_ACTIONS.map(targetState)).toEqual(['ALERT', 'HALT', 'SHUTDOWN', 'NORMAL']);
  });

  it('requires a reason, bounded', () => {
    expect(transitionProblem('NORMAL', 'halt', '')).toBe('reason is required to halt');
    expect(transitionProblem('NORMAL', 'halt', '   ')).toBe('reason is required to halt');
    expect(transitionProblem('NORMAL', 'halt', undefined)).toBe('reason is required to halt');
    expect(transitionProblem('NORMAL', 'halt', 'x'.repeat(501))).toBe('reason must be at most 500 characters');
  });

  it('lets submissions through only in NORMAL and ALERT, and pauses the poller only in SHUTDOWN', () => {
    expect(EMERGENCY_STATES.filter(allowsSubmissions)).toEqual(['NORMAL', 'ALERT']);
    expect(EMERGENCY_STATES.filter(pausesPoller)).toEqual(['SHUTDOWN']);
  });
});

describe('risk limits', () => {
  const u = (s: string) => parseAmount(s, { allowNegative: true });
  const flat = { compute: 0n, storage: 0n, energy: 0n, ad: 0n };
  const limits = { dailyLoss: u('500'), maxPosition: u('1000'), maxDrawdownBps: 1500 };

  it('measures daily loss from the day start, exactly', () => {
    const [daily] = evaluateRisk(
      { balance: u('99600.01'), dayStartBalance: u('100000'), peakBalance: u('100000'), positionValues: flat },
      limits,
    );
    expect(daily).toEqual({ limit: 'daily_loss', value: '399.99', threshold: '500', utilization: 0.7999, breached: false });
    const [breach] = evaluateRisk(
      { balance: u('99500'), dayStartBalance: u('100000'), peakBalance: u('100000'), positionValues: flat },
      limits,
    );
    expect(breach!.breached).toBe(true);
    expect(breachReason(breach!)).toBe('risk limit daily_loss breached: 500 against a limit of 500');
  });

  it('names the market with the largest position', () => {
    const pos = evaluateRisk(
      { balance: u('1'), dayStartBalance: u('1'), peakBalance: u('1'), positionValues: { ...flat, energy: u('1000.000001'), ad: u('3') } },
      limits,
    )[1]!;
    expect(pos).toMatchObject({ limit: 'max_position', market: 'energy', value: '1000.000001', breached: true });
    expect(breachReason(pos)).toBe('risk limit max_position breached (energy): 1000.000001 against a limit of 1000');
  });

  it('measures drawdown from the peak in basis points', () => {
    const dd = evaluateRisk(
      { balance: u('85000'), dayStartBalance: u('85000'), peakBalance: u('100000'), positionValues: flat },
      limits,
    )[2]!;
    expect(dd).toEqual({ limit: 'max_drawdown', value: '1500 bps', threshold: '1500 bps', utilization: 1, breached: true });
  });

  it('treats a zero limit as disabled', () => {
    const off = evaluateRisk(
      { balance: u('0'), dayStartBalance: u('100000'), peakBalance: u('100000'), positionValues: { ...flat, ad: u('9999999') } },
      { dailyLoss: 0n, maxPosition: 0n, maxDrawdownBps: 0 },
    );
    expect(off.map((r) => [r.breached, r.utilization])).toEqual([
      [false, 0],
      [false, 0],
      [false, 0],
    ]);
  });

  it('restarts the day at 00:00 UTC', () => {
    expect(utcDay(Date.UTC(2026, 10, 25, 23, 59, 59))).toBe('2026-11-25');
    expect(utcDay(Date.UTC(2026, 10, 26, 0, 0, 0))).toBe('2026-11-26');
  });
});
