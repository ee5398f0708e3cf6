import { loadConfig, ConfigError } from '../src';

describe('loadConfig', () => {
  it('gives defaults that run the whole stack on one machine', () => {
    const c = loadConfig({});
    expect(c.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(c.THEBLOCK_RPC_URL).toBe('http://127.0.0.1:9933');
    expect(c.TB_STARTING_BALANCE).toBe(100_000_000_000n); // micro-token units
    expect(c.WEB_PORT).toBe(3000);
    expect(c.BLOCKOPS_OPERATOR_KEY).toBeUndefined();
  });

  it('names the variable, the bad value and the limit', () => {
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'not an address' })).toThrow(ConfigError);
    try {
      loadConfig({ TEMPORAL_ADDRESS: 'nope', WEB_PORT: '70000', REDIS_URL: 'http://x' });
    } catch (err) {
      const e = err as ConfigError;
      expect(e.problems.map((p) => p.variable).sort()).toEqual(['REDIS_URL', 'TEMPORAL_ADDRESS', 'WEB_PORT']);
      expect(e.message).toContain('TEMPORAL_ADDRESS: must be host:port');
      expect(e.message).toContain('"nope"');
      expect(e.message).toContain('WEB_PORT: must be between 1 and 65535');
      expect(e.message).toContain('REDIS_URL: must be a URL starting with redis:// or rediss://');
    }
    expect.assertions(6);
  });

  it('never echoes secrets', () => {
    try {
      loadConfig({ BLOCKOPS_OPERATOR_KEY: 'short-secret' });
    } catch (err) {
      expect((err as Error).message).toContain('BLOCKOPS_OPERATOR_KEY: must be at least 16 characters');
      expect((err as Error).message).not.toContain('short-secret');
    }
    expect.assertions(2);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ WEB_PORT: '', BLOCKOPS_VIEWER_KEY: '' }).WEB_PORT).toBe(3000);
  });

  it('reads the allowed origins as a list and names an entry that is not an origin', () => {
    expect(loadConfig({}).BLOCKOPS_ALLOWED_ORIGINS).toEqual([]);
    expect(loadConfig({ BLOCKOPS_ALLOWED_ORIGINS: 'https://ops.example.com, http://10.0.0.5:8080' }).BLOCKOPS_ALLOWED_ORIGINS).toEqual([
      'https://ops.example.com',
      'http://10.0.0.5:8080',
    ]);
    for (const bad of ['https://ops.example.com/', 'ops.example.com', 'https://ops.example.com/path', 'ftp://x.example']) {
      expect(() => loadConfig({ BLOCKOPS_ALLOWED_ORIGINS: `https://ok.example, ${bad}` })).toThrow(
        new RegExp(`BLOCKOPS_ALLOWED_ORIGINS: each entry must be an origin .*"${bad.replace(/[/.]/g, '\\$&')}" is not`),
      );
    }
  });

  it('reads the starting balance as an exact decimal amount, naming the limit', () => {
    expect(loadConfig({ TB_STARTING_BALANCE: '2500.000001' }).TB_STARTING_BALANCE).toBe(2_500_000_001n);
    expect(() => loadConfig({ TB_STARTING_BALANCE: '0.1234567' })).toThrow(/TB_STARTING_BALANCE: must have at most 6 decimals/);
    expect(() => loadConfig({ TB_STARTING_BALANCE: '1e6' })).toThrow(/TB_STARTING_BALANCE: must be a decimal string/);
    expect(() => loadConfig({ TB_STARTING_BALANCE: '2000000000000' })).toThrow(/TB_STARTING_BALANCE: must be at most 1000000000000/);
  });
});

describe('breaker settings', () => {
  it('default to the design numbers: 5 failures in 300 s, open 60 s, 2 probes, 2 successes', () => {
    const c = loadConfig({});
    expect([c.BREAKER_FAILURE_THRESHOLD, c.BREAKER_WINDOW_MS, c.BREAKER_OPEN_MS, c.BREAKER_HALF_OPEN_PROBES]).toEqual([
      5, 300_000, 60_000, 2,
    ]);
    expect([c.BREAKER_SUCCESS_THRESHOLD, c.BREAKER_PROBE_LEASE_MS, c.BREAKER_PREFIX]).toEqual([2, 10_000, 'blockops:breaker']);
  });

  it('names a bad number and its limit', () => {
    expect(() => loadConfig({ BREAKER_FAILURE_THRESHOLD: '0' })).toThrow('BREAKER_FAILURE_THRESHOLD: must be at least 1 (got "0")');
    expect(() => loadConfig({ BREAKER_HALF_OPEN_PROBES: '101' })).toThrow('BREAKER_HALF_OPEN_PROBES: must be at most 100');
  });

  it('needs a probe lease longer than the RPC timeout, so a live probe never loses its slot', () => {
    expect(() => loadConfig({ BREAKER_PROBE_LEASE_MS: '5000' })).toThrow(
      'BREAKER_PROBE_LEASE_MS: must be longer than THEBLOCK_RPC_TIMEOUT_MS (5000) (got "5000")',
    );
    expect(loadConfig({ BREAKER_PROBE_LEASE_MS: '1500', THEBLOCK_RPC_TIMEOUT_MS: '1000' }).BREAKER_PROBE_LEASE_MS).toBe(1500);
  });
});
