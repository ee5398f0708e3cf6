import { ClassifiedError, NON_RETRYABLE_ERROR_TYPES, networkStrength } from '../src';

describe('networkStrength', () => {
  it('is 100 for a well-connected, fast, busy network', () => {
    expect(networkStrength({ height: 1, peerCount: 25, tps: 10, finalityTimeS: 3 })).toBe(100);
  });
  it('drops with few peers and slow finality', () => {
    const weak = networkStrength({ height: 1, peerCount: 2, tps: 0, finalityTimeS: 30 });
    expect(weak).toBeLessThan(20);
    expect(weak).toBeGreaterThanOrEqual(0);
  });
  it('is 0 with nothing', () => {
    expect(networkStrength({ height: 0, peerCount: 0, tps: 0, finalityTimeS: 0 })).toBe(0);
  });
});

describe('error taxonomy', () => {
  it('names errors by class, so retry policies can list the non-retryable ones', () => {
    expect(new ClassifiedError('x', 'transient', 'timeout').name).toBe('TransientError');
    expect(new ClassifiedError('x', 'cancelled', 'nonce_conflict').retryable).toBe(false);
    expect(new ClassifiedError('x', 'storage', 'auth').countsForBreaker).toBe(false);
    expect(new ClassifiedError('x', 'transient', 'timeout').countsForBreaker).toBe(true);
    expect(NON_RETRYABLE_ERROR_TYPES).toEqual(['CancelledError', 'StorageError']);
  });
});
