/**
 * `npm start`: the whole stack on one machine — Temporal dev server (SQLite under .data/, Web UI),
 * Redis, the devnet, the worker and the web console, and Prometheus + Alertmanager when Debian's
 * packages are installed (data under .data/). Ctrl-C stops every child.
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
  const u = stack.urls;
  const lines = [
    ['console', u.web],
    ['Temporal Web', u.temporalUi],
    ['API', `${u.web}/api/health`],
    ['web metrics', `${u.web}/metrics`],
    ['worker metrics', u.workerMetrics],
    ['devnet RPC', u.devnet],
    ['devnet metrics', u.devnetMetrics],
    ['Temporal metrics', u.temporalMetrics],
    ['Prometheus', u.prometheus && `${u.prometheus}  (targets: ${u.prometheus}/targets, rules: ${u.prometheus}/rules)`],
    ['Alertmanager', u.alertmanager && `${u.alertmanager}  (firing alerts reach the console: ${u.web}/api/alerts)`],
  ].filter((l): l is [string, string] => Boolean(l[1]));
  console.log(
    [
      '',
      'blockops is up',
      ...lines.map(([k, v]) => `  ${k.padEnd(16)} ${v}`),
      ...stack.notes.map((n) => `  note: ${n}`),
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
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
