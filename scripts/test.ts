/**
 * `npm test`: builds the console once, then runs every jest project (unit, integration against
 * the real Temporal dev server / Redis / devnet, and browser end-to-end in Debian Chromium).
 * Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`.
 */
import { execFileSync } from 'node:child_process';
import { utimesSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const bin = (p: string) => path.join(root, 'node_modules/.bin', p);
const args = process.argv.slice(2);
const only = (project: string) => args.join(' ').includes('--selectProjects') && !args.includes(project);

try {
  if (!only('e2e')) {
    execFileSync(bin('turbo'), ['run', 'build', '--filter=@blockops/web', '--output-logs=errors-only'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    });
    // turbo's cache restores a build with its original time; it matches today's sources (by
    // content hash), so mark it current for the test stacks' older-than-sources check
    const buildId = path.join(root, 'apps/web/.next/BUILD_ID');
    const now = new Date();
    utimesSync(buildId, now, now);
  }
  execFileSync(bin('jest'), ['--ci', ...args], { cwd: root, stdio: 'inherit' });
} catch (err) {
  process.exit((err as { status?: number }).status ?? 1);
}
