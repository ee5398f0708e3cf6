/**
 * `npm run bench`: runs every bench/*.bench.ts and writes bench/results/latest.json and .md.
 * Each bench measures its subject beside a baseline in the same process and run (raw Redis,
 * a bare HTTP round trip, a no-op workflow), so the ratio — not the absolute number — is the figure.
 * `npm run bench -- pnl` runs the bench named "pnl" (or, when no bench has exactly that name, those
 * whose name contains it) and replaces only their sections in latest.*: the other benches' last
 * figures are kept, each with the date it was measured. Every figure measured now is printed and
 * written beside its value in the previous results file, so a regression shows at a glance.
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

/** A section as latest.json keeps it: which bench file measured it, and when; what the run before measured. */
type StoredSection = BenchSection & { bench: string; date: string; previous?: { date: string; figures: BenchSection['figures'] } };

const sectionKey = (s: { bench: string; title: string }) => `${s.bench}\u0000${s.title}`;

async function main() {
  const dir = __dirname;
  const only = process.argv.slice(2);
  const all = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.replace(/\.bench\.ts$/, ''))
    .sort();
  // an exact name wins over a substring ("treasury" is not also "treasury-console")
  const ran = all.filter((b) => only.length === 0 || only.some((o) => (all.includes(o) ? b === o : b.includes(o))));
  const out = path.join(dir, 'results');
  const previous: StoredSection[] = existsSync(path.join(out, 'latest.json'))
    ? ((JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8')) as { sections?: StoredSection[] }).sections ?? [])
    : [];
  const before = new Map(previous.map((p) => [sectionKey(p), p]));
  const fresh: StoredSection[] = [];
  for (const bench of ran) {
    console.log(`bench: ${bench}.bench.ts`);
    const mod = (await import(path.join(dir, `${bench}.bench.ts`))) as { run: () => Promise<BenchSection[]> };
    for (const s of await mod.run()) {
      const prev = before.get(sectionKey({ bench, title: s.title }));
      fresh.push({
        bench,
        date: new Date().toISOString(),
        ...s,
        ...(prev ? { previous: { date: prev.date, figures: prev.figures } } : {}),
      });
      console.log(`  ${s.title}`);
      for (const [k, v] of Object.entries(s.figures))
        console.log(`    ${k}: ${v}${prev && k in prev.figures ? `  (was ${prev.figures[k]})` : ''}`);
    }
  }
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
  };
  mkdirSync(out, { recursive: true });
  // the benches not run this time keep their last figures, in bench file order
  const sections = all.flatMap((b) => (ran.includes(b) ? fresh : previous).filter((s) => s.bench === b));
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
      ...(s.previous && ran.includes(s.bench)
        ? [
            `| figure | value | previous (${s.previous.date.slice(0, 10)}) |`,
            `|---|---|---|`,
            ...Object.entries(s.figures).map(([k, v]) => `| ${k} | ${v} | ${s.previous!.figures[k] ?? '—'} |`),
          ]
        : [`| figure | value |`, `|---|---|`, ...Object.entries(s.figures).map(([k, v]) => `| ${k} | ${v} |`)]),
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
