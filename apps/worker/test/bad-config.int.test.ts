/**
 * A process started with bad configuration ends with one clear message naming the variable and
 * exit code 1 — never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');

function runEntry(script: string, env: Record<string, string>) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, script)], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: res.status, out: `${res.stdout}${res.stderr}` };
}

const noStack = (out: string) => expect(out).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);

describe.each([
  ['worker', 'apps/worker/src/main.ts'],
  ['web', 'apps/web/server.ts'],
])('%s', (name, script) => {
  test('an invalid TEMPORAL_ADDRESS is named, with the expected shape', () => {
    const { code, out } = runEntry(script, { TEMPORAL_ADDRESS: 'not-an-address' });
    expect(code).toBe(1);
    expect(out).toContain(`${name}: Invalid configuration`);
    expect(out).toContain('TEMPORAL_ADDRESS: must be host:port');
    noStack(out);
  });

  test('an unreachable Redis is named', () => {
    const { code, out } = runEntry(script, { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(code).toBe(1);
    expect(out).toMatch(/REDIS_URL: cannot reach redis:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    noStack(out);
  });

  test('an unreachable Temporal is named', () => {
    const { code, out } = runEntry(script, { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(code).toBe(1);
    expect(out).toContain('TEMPORAL_ADDRESS: cannot reach 127.0.0.1:1');
    noStack(out);
  });
});
