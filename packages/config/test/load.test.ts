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
