/**
 * `npm run bench`: runs every bench/*.bench.ts and writes bench/results/latest.json and .md.
 * Each bench measures its subject beside a baseline in the same process and run (raw Redis,
 * a bare HTTP round trip, a no-op workflow), so the ratio — not the absolute number — is the figure.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';

export interface BenchSection {
  title: string;
  /** the bench file that wrote it, and when (set by this runner) */
  bench?: string;
  date?: string;
  /** figure name → value; keep units in the name, e.g. `p50_ms`, `calls_per_s`, `ratio_vs_bare`. */
  figures: Record<string, number | string>;
  notes?: string[];
}

async function main() {
  const dir = __dirname;
  const only = process.argv.slice(2);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const sections: BenchSection[] = [];
  for (const file of files) {
    console.log(`bench: ${file}`);
    const mod = (await import(path.join(dir, file))) as { run: () => Promise<BenchSection[]> };
    for (const s of await mod.run()) {
      sections.push({ bench: file, date: new Date().toISOString(), ...s });
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
  // `npm run bench -- treasury` replaces the treasury sections and keeps the others' last figures
  const ran = new Set(files);
  const previous = existsSync(path.join(out, 'latest.json'))
    ? (JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8')) as { meta?: { date?: string }; sections: BenchSection[] })
    : { sections: [] };
  const kept = only.length
    ? previous.sections
        .filter((s) => !ran.has(s.bench ?? benchOf(s.title)))
        .map((s) => ({ ...s, bench: s.bench ?? benchOf(s.title), date: s.date ?? previous.meta?.date }))
    : [];
  sections.unshift(...kept);
  writeFileSync(path.join(out, 'latest.json'), JSON.stringify({ meta, sections }, null, 2) + '\n');
  const md = [
    `# Benchmark results`,
    ``,
    `${meta.date} · node ${meta.node} · ${meta.cpus} × ${meta.cpu}`,
    ``,
    ...sections.flatMap((s) => [
      `## ${s.title}`,
      ``,
      ...(s.date ? [`_${s.bench} · ${s.date}_`, ``] : []),
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

/** Sections written before the runner recorded their file, by title. */
function benchOf(title: string): string {
  if (/^Devnet/.test(title)) return 'devnet.bench.ts';
  if (/^(Receipts through|POST \/api\/operations|Operations end to end)/.test(title)) return 'operations.bench.ts';
  if (/P&L|^Accounting store/.test(title)) return 'pnl.bench.ts';
  if (/^(Event latency|Workflow start-to-complete)/.test(title)) return 'events.bench.ts';
  return '';
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
