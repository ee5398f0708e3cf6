import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';

export interface StartProcessOptions {
  name: string;
  command: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Resolves true once the process serves; polled until `timeoutMs`. */
  ready: () => Promise<boolean>;
  timeoutMs?: number;
  /** Where stdout/stderr go: 'inherit' (prefixed to our stdout), a log file path, or 'ignore'. */
  output?: 'inherit' | 'ignore' | { file: string };
}

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, isDead?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = isDead?.();
    if (dead) throw new Error(`${what} exited before it was ready: ${dead}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} was not ready within ${timeoutMs} ms`);
    await sleep(100);
  }
}

export async function startProcess(opts: StartProcessOptions): Promise<ManagedProcess> {
  const output = opts.output ?? 'inherit';
  // detached: own process group, so stop() reaches grandchildren (npx → node) too.
  const child = spawn(opts.command, opts.args ?? [], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const tail: string[] = [];
  const keepTail = (buf: Buffer) => {
    tail.push(buf.toString());
    if (tail.length > 40) tail.shift();
  };
  child.stdout!.on('data', keepTail);
  child.stderr!.on('data', keepTail);
  if (output === 'inherit') {
    const prefix = `[${opts.name}] `;
    const relay = (buf: Buffer) =>
      process.stdout.write(
        buf
          .toString()
          .split('\n')
          .filter((l) => l.length > 0)
          .map((l) => prefix + l + '\n')
          .join(''),
      );
    child.stdout!.on('data', relay);
    child.stderr!.on('data', relay);
  } else if (typeof output === 'object') {
    mkdirSync(path.dirname(output.file), { recursive: true });
    const file = createWriteStream(output.file, { flags: 'a' });
    child.stdout!.pipe(file);
    child.stderr!.pipe(file);
  }

  let exitCode: number | null | undefined;
  let exitSignal: NodeJS.Signals | null = null;
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      resolve(code);
    });
    child.on('error', (err) => {
      tail.push(String(err));
      exitCode = -1;
      resolve(-1);
    });
  });

  const stop = async (graceMs = 5000) => {
    if (exitCode !== undefined) return;
    const signalGroup = (sig: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        /* already gone */
      }
    };
    signalGroup('SIGTERM');
    const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    signalGroup('SIGKILL'); // leftovers in the group
  };

  try {
    await waitFor(opts.name, opts.ready, opts.timeoutMs ?? 30_000, () =>
      exitCode !== undefined ? `code ${exitCode}${exitSignal ? ` signal ${exitSignal}` : ''}\n${tail.join('').slice(-3000)}` : undefined,
    );
  } catch (err) {
    await stop(1000);
    throw err;
  }
  return { name: opts.name, child, stop, exited };
}
