/**
 * `npm run bench`: runs every bench/*.bench.ts and writes bench/results/latest.json and .md.
 * Each bench measures its subject beside a baseline in the same process and run (raw Redis,
 * a bare HTTP round trip, a no-op workflow), so the ratio — not the absolute number — is the figure.
 * `npm run bench -- pnl` runs the benches whose file name contains "pnl" and replaces only their
 * sections in latest.*: the other benches' last figures are kept, each with the date it was measured.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';

export interface BenchSection {
  title: string;
  /** figure name → value; keep units in the name, e.g. `p50_ms`, `calls_per_s`, `ratio_vs_bare`. */
  figures: Record<string, number | string>;
  notes?: string[];
}

/** A section as latest.json keeps it: which bench file measured it, and when. */
type StoredSection = BenchSection & { bench: string; date: string };

async function main() {
  const dir = __dirname;
  const only = process.argv.slice(2);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const ran = files.map((f) => f.replace(/\.bench\.ts$/, ''));
  const fresh: StoredSection[] = [];
  for (const [i, file] of files.entries()) {
    console.log(`bench: ${file}`);
    const mod = (await import(path.join(dir, file))) as { run: () => Promise<BenchSection[]> };
    for (const s of await mod.run()) {
      fresh.push({ bench: ran[i]!, date: new Date().toISOString(), ...s });
      console.log(`  ${s.title}`);
      for (const [k, v] of Object.entries(s.figures)) console.log(`    ${k}: ${v}`);
    }
  }
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
  };
  const out = path.join(dir, 'results');
  mkdirSync(out, { recursive: true });
  // the benches not run this time keep their last figures, in bench file order
  const previous: StoredSection[] = existsSync(path.join(out, 'latest.json'))
    ? ((JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8')) as { sections?: StoredSection[] }).sections ?? [])
    : [];
  const order = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()
    .map((f) => f.replace(/\.bench\.ts$/, ''));
  const sections = order.flatMap((b) => (ran.includes(b) ? fresh : previous).filter((s) => s.bench === b));
  writeFileSync(path.join(out, 'latest.json'), JSON.stringify({ meta, sections }, null, 2) + '\n');
  const md = [
    `# Benchmark results`,
    ``,
    `${meta.date} · node ${meta.node} · ${meta.cpus} × ${meta.cpu} · this run: ${ran.join(', ')}`,
    ``,
    ...sections.flatMap((s) => [
      `## ${s.title}`,
      ``,
      `_${s.bench}.bench.ts, ${s.date}_`,
      ``,
      `| figure | value |`,
      `|---|---|`,
      ...Object.entries(s.figures).map(([k, v]) => `| ${k} | ${v} |`),
      ...(s.notes?.length ? ['', ...s.notes.map((n) => `- ${n}`)] : []),
      ``,
    ]),
  ].join('\n');
  writeFileSync(path.join(out, 'latest.md'), md);
  console.log(`bench: wrote ${path.join(out, 'latest.json')} and latest.md`);
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
