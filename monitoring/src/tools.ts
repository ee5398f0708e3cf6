import { spawnSync } from 'node:child_process';

/** Runs a Prometheus tool from PATH (Debian's prometheus / prometheus-alertmanager packages). */
export function runTool(cmd: 'promtool' | 'amtool', args: string[], cwd?: string): { code: number; output: string } {
  const res = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (res.error) {
    const missing = (res.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing ? `${cmd} is not on PATH: apt-get install -y prometheus prometheus-alertmanager` : `${cmd}: ${res.error.message}`,
    );
  }
  return { code: res.status ?? -1, output: `${res.stdout}${res.stderr}` };
}
