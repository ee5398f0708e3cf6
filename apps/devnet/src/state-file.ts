import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { ChainState, type ChainOptions, type ChainSnapshot } from './chain-state';

/** Loads the chain from `file` when it exists, else a new chain from the options. */
export function loadChain(opts: ChainOptions, file?: string): { chain: ChainState; restored: boolean } {
  if (!file || !existsSync(file)) return { chain: new ChainState(opts), restored: false };
  let snapshot: ChainSnapshot;
  try {
    snapshot = JSON.parse(readFileSync(file, 'utf8')) as ChainSnapshot;
  } catch (err) {
    throw new Error(`state file ${file} is not readable JSON: ${(err as Error).message}`);
  }
  return { chain: ChainState.restore(opts, snapshot), restored: true };
}

/**
 * Writes the chain to `file` whenever it changed, at most every `intervalMs`: write a temporary
 * file then rename, so a crash mid-write leaves the previous state, never a torn one.
 */
export function persistChain(chain: ChainState, file: string, intervalMs = 1000) {
  let saved = -1;
  const save = () => {
    if (chain.revision === saved) return;
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(chain.snapshot()));
    renameSync(tmp, file);
    saved = chain.revision;
  };
  const timer = setInterval(save, intervalMs);
  timer.unref();
  return {
    save,
    stop: () => {
      clearInterval(timer);
      save();
    },
  };
}
