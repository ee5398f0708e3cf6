#!/usr/bin/env node
// Entry for `npm start|test|bench|run tools` on a fresh clone: plain Node, no dependencies, so it
// runs before `npm ci`. It installs what is missing (npm packages, the pinned Temporal CLI), then
// hands over to the TypeScript scripts.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TEMPORAL_CLI_VERSION = 'v1.5.1';
const say = (msg) => process.stdout.write(`blockops: ${msg}\n`);
const fail = (msg) => {
  process.stderr.write(`blockops: ${msg}\n`);
  process.exit(1);
};

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
}

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

function ensureNodeModules() {
  const marker = path.join(root, 'node_modules/.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs)) return;
  say('installing npm packages (npm ci)…');
  run('npm', existsSync(lock) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund']);
}

function runs(bin) {
  try {
    execFileSync(bin, ['--version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

function ensureTemporalCli() {
  const local = path.join(root, '.tools/bin/temporal');
  for (const c of [process.env.TEMPORAL_CLI, which('temporal'), local]) {
    if (c && existsSync(c) && runs(c)) return c;
  }
  const go = which('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) {
    fail(
      'the Temporal CLI is missing and Go is not installed to build it.\n' +
        `  Either install Go and re-run, or download temporal ${TEMPORAL_CLI_VERSION} and set TEMPORAL_CLI=/path/to/temporal.`,
    );
  }
  say(`installing the Temporal CLI ${TEMPORAL_CLI_VERSION} into .tools/bin (go install; a few minutes the first time)…`);
  run(go, ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, CGO_ENABLED: '0', GOBIN: path.join(root, '.tools/bin') },
  });
  if (!runs(local)) fail('go install finished but .tools/bin/temporal does not run');
  return local;
}

function exec(cmd, args, env = {}) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const command = process.argv[2];
ensureNodeModules();
const temporal = ensureTemporalCli();
const env = { TEMPORAL_CLI: temporal, NEXT_TELEMETRY_DISABLED: '1' };
const tsx = (script, ...args) => [process.execPath, ['--import', 'tsx', path.join(root, script), ...args]];

switch (command) {
  case 'tools':
    say(`Temporal CLI: ${temporal}`);
    break;
  case 'start':
    exec(...tsx('scripts/start.ts', ...process.argv.slice(3)), env);
    break;
  case 'test':
    exec(...tsx('scripts/test.ts', ...process.argv.slice(3)), env);
    break;
  case 'bench':
    exec(...tsx('bench/run.ts', ...process.argv.slice(3)), env);
    break;
  default:
    fail(`unknown command "${command}" (start | test | bench | tools)`);
}
