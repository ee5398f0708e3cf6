/**
 * The receipt sections of operations.bench.ts alone, printed (no results file is written):
 * `npx tsx bench/receipts-only.ts`. `npm run bench -- operations` runs them with the rest.
 */
import os from 'node:os';
import { receiptThroughput } from './receipts';

async function main() {
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} · ${os.cpus().length} cpus`,
  );
  for (const s of await receiptThroughput()) {
    console.log(s.title);
    for (const [k, v] of Object.entries(s.figures)) console.log(`  ${k}: ${v}`);
  }
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
