/**
 * `npm start`: the whole stack on one machine — Temporal dev server (SQLite under .data/, Web UI),
 * Redis, the devnet, the worker and the web console. Ctrl-C stops every child.
 */
import path from 'node:path';
import { startStack } from '@blockops/stack';

const root = path.resolve(__dirname, '..');

async function main() {
  const stack = await startStack({
    root,
    dataDir: path.join(root, '.data'),
    output: 'inherit',
    log: (line) => console.log(`blockops: ${line}`),
  });
  console.log(`
blockops is up
  console        ${stack.urls.web}
  Temporal Web   ${stack.urls.temporalUi}
  API            ${stack.urls.web}/api/health
  web metrics    ${stack.urls.web}/metrics
  worker metrics ${stack.urls.workerMetrics}
  devnet RPC     ${stack.urls.devnet}
Ctrl-C stops everything.
`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('blockops: stopping…');
    await stack.stop();
    console.log('blockops: stopped');
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  // A child that dies on its own takes the stack down rather than leaving it half-up.
  for (const p of stack.processes) {
    void p.exited.then((code) => {
      if (stopping) return;
      console.error(`blockops: ${p.name} exited (code ${code}); stopping the stack`);
      void shutdown().then(() => process.exit(1));
    });
  }
}

main().catch((err) => {
  console.error(`blockops: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
