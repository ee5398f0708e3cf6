/**
 * CPU time of the stack's processes (Linux /proc), to say where a run's work went: each child
 * process with its descendants (tsx starts the real node as a child), plus the machine's Redis.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_S = 100; // USER_HZ on Linux

/** utime + stime of `pid` and every descendant, in ms; 0 for a process that is gone. */
export function cpuMsOfTree(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // fields after the command name (which may hold spaces): state is [0], utime [11], stime [12]
  const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  const own = ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_S;
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    // pgrep exits 1 when there are none
  }
  return own + children.reduce((sum, c) => sum + cpuMsOfTree(c), 0);
}

/** The machine's Redis server (what the stack uses when one listens on 6379), if pgrep finds it. */
export function redisServerPid(): number | undefined {
  try {
    return Number(execFileSync('pgrep', ['-o', 'redis-server']).toString().trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** Starts counting; the returned function gives CPU ms per process since then. */
export function cpuMeter(procs: Array<{ name: string; pid: number }>): () => Record<string, number> {
  const start = procs.map((p) => cpuMsOfTree(p.pid));
  return () => Object.fromEntries(procs.map((p, i) => [p.name, cpuMsOfTree(p.pid) - start[i]!]));
}
