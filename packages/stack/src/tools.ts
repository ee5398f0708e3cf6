import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const TEMPORAL_CLI_VERSION = 'v1.5.1';

export function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, cmd);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The Temporal CLI to run the dev server with: $TEMPORAL_CLI, else `temporal` on PATH, else the
 * project-local .tools/bin/temporal that `npm run tools` installs.
 */
export function resolveTemporalCli(root: string): string {
  const candidates = [process.env.TEMPORAL_CLI, which('temporal'), path.join(root, '.tools/bin/temporal')];
  for (const c of candidates) {
    if (!c || !existsSync(c)) continue;
    try {
      execFileSync(c, ['--version'], { stdio: 'ignore', timeout: 10_000 });
      return c;
    } catch {
      /* not runnable: try the next */
    }
  }
  throw new Error(
    `No Temporal CLI found (checked TEMPORAL_CLI, PATH and ${path.join(root, '.tools/bin/temporal')}).\n` +
      `Run \`npm run tools\` (needs Go: installs temporal ${TEMPORAL_CLI_VERSION} into .tools/bin), or set TEMPORAL_CLI to a temporal binary.`,
  );
}

export function resolveRedisServer(): string | undefined {
  return which('redis-server');
}
