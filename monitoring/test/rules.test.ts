/**
 * The rules as Prometheus sees them: promtool checks every rule file and runs every unit test in
 * monitoring/rule-tests; this file also holds those unit tests to a standard — every alert fires in
 * one test and stays silent on healthy series in another, every recording rule is evaluated, every
 * alert carries severity, summary, description and a runbook that exists.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import {
  MONITORING_DIR,
  RULES_DIR,
  RULE_TESTS_DIR,
  RUNBOOKS_DIR,
  allRules,
  alertNames,
  durationSeconds,
  fastRules,
  loadRuleFiles,
  recordNames,
  runTool,
  scaleRanges,
} from '../src';

const ruleFiles = loadRuleFiles();
const ruleFilePaths = ruleFiles.map((f) => f.file);
const testFiles = readdirSync(RULE_TESTS_DIR)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => path.join(RULE_TESTS_DIR, f));

interface AlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts?: unknown[];
}
interface TestGroup {
  input_series: { series: string; values: string }[];
  alert_rule_test?: AlertTest[];
  promql_expr_test?: { expr: string; eval_time: string; exp_samples?: unknown[] }[];
}
const groups: { file: string; group: TestGroup }[] = testFiles.flatMap((file) =>
  (parse(readFileSync(file, 'utf8')) as { tests: TestGroup[] }).tests.map((group) => ({ file, group })),
);

/** The longest range an expression reads, following recording rules. */
function longestRange(expr: string, seen = new Set<string>()): number {
  let longest = 0;
  scaleRanges(expr, (s) => ((longest = Math.max(longest, s)), s));
  for (const r of allRules(ruleFiles)) {
    if (r.record && !seen.has(r.record) && new RegExp(`(^|[^\\w:])${r.record.replace(/[:]/g, '\\:')}($|[^\\w:])`).test(expr)) {
      seen.add(r.record);
      longest = Math.max(longest, longestRange(r.expr, seen));
    }
  }
  return longest;
}

describe('rule files', () => {
  it('pass promtool check rules', () => {
    const res = runTool('promtool', ['check', 'rules', ...ruleFilePaths]);
    expect(res.output).not.toMatch(/FAILED/);
    expect(res.code).toBe(0);
  });

  it('pass their promtool unit tests (monitoring/rule-tests)', () => {
    const res = runTool('promtool', ['test', 'rules', ...testFiles], RULE_TESTS_DIR);
    if (res.code !== 0) throw new Error(res.output);
    expect(res.output.match(/SUCCESS/g)).toHaveLength(testFiles.length);
  });

  it('are all loaded by the unit tests', () => {
    const loaded = new Set(
      testFiles.flatMap((f) =>
        (parse(readFileSync(f, 'utf8')) as { rule_files: string[] }).rule_files.map((r) => path.resolve(RULE_TESTS_DIR, r)),
      ),
    );
    expect([...loaded].sort()).toEqual([...ruleFilePaths].sort());
  });

  it('have unique alert and record names', () => {
    const names = [...alertNames(ruleFiles), ...recordNames(ruleFiles)];
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });
});

describe.each(allRules(ruleFiles).filter((r) => r.alert))('alert $alert', (rule) => {
  const name = rule.alert!;
  const testsOf = (g: TestGroup) => (g.alert_rule_test ?? []).filter((t) => t.alertname === name);

  it('has a severity, a summary, a description and a runbook page', () => {
    expect(['critical', 'warning']).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary).toEqual(expect.stringMatching(/\S/));
    expect(rule.annotations?.description).toEqual(expect.stringMatching(/\S/));
    expect(rule.annotations?.runbook_url).toBe(`docs/runbooks/${name}.md`);
    const page = path.join(RUNBOOKS_DIR, `${name}.md`);
    expect(existsSync(page)).toBe(true);
    const text = readFileSync(page, 'utf8');
    expect(text).toMatch(new RegExp(`^# ${name}\\b`, 'm'));
    for (const section of ['What it means', 'What to check', 'What to do']) expect(text).toContain(`## ${section}`);
  });

  it('fires in a unit test', () => {
    expect(groups.some(({ group }) => testsOf(group).some((t) => (t.exp_alerts ?? []).length > 0))).toBe(true);
  });

  it('stays silent on healthy series, evaluated after its range and `for:` have elapsed', () => {
    const needed = durationSeconds(rule.for ?? '0s') + longestRange(rule.expr);
    const healthy = groups.filter(({ group }) => {
      const tests = testsOf(group);
      return tests.length > 0 && tests.every((t) => (t.exp_alerts ?? []).length === 0);
    });
    expect(healthy.some(({ group }) => testsOf(group).some((t) => durationSeconds(t.eval_time) >= needed))).toBe(true);
  });
});

describe('recording rules', () => {
  it.each(recordNames(ruleFiles))('%s is evaluated in a unit test', (record) => {
    const evaluated = groups.some(({ group }) =>
      (group.promql_expr_test ?? []).some((t) => t.expr.trim() === record && (t.exp_samples ?? []).length > 0),
    );
    expect(evaluated).toBe(true);
  });
});

describe('runbooks', () => {
  it('exist only for alerts that exist', () => {
    const alerts = new Set(alertNames(ruleFiles));
    const pages = readdirSync(RUNBOOKS_DIR).filter((f) => f.endsWith('.md') && f !== 'README.md');
    expect(pages.filter((p) => !alerts.has(p.replace(/\.md$/, '')))).toEqual([]);
  });
});

describe('the fast copy of the rules used by the end-to-end test', () => {
  it('passes promtool check rules and keeps every rule', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'blockops-fast-rules-'));
    const fast = fastRules(ruleFiles, 60, 4);
    for (const f of fast) writeFileSync(path.join(dir, f.name), f.yaml);
    const res = runTool('promtool', ['check', 'rules', ...fast.map((f) => path.join(dir, f.name))], MONITORING_DIR);
    if (res.code !== 0) throw new Error(res.output);
    expect(fast.map((f) => f.name).sort()).toEqual(ruleFilePaths.map((f) => path.basename(f)).sort());
    const stalled = allRules(loadRuleFiles(dir)).find((r) => r.alert === 'ReceiptPollerStalled')!;
    expect(stalled.expr).toBe('sum(increase(receipt_poller_cycles[5s])) == 0');
    expect(stalled.for).toBe('5s');
  });
});

it('RULES_DIR holds only rule files', () => {
  expect(readdirSync(RULES_DIR).every((f) => f.endsWith('.yml'))).toBe(true);
});
