import { startDevnet } from './rpc-server';

/** `--flag value` or the env variable; a bad value exits with one line naming it. */
function setting(flag: string, env: string, def: string, check: (v: string) => string | undefined): string {
  const i = process.argv.indexOf(`--${flag}`);
  const value = (i >= 0 ? process.argv[i + 1] : undefined) ?? process.env[env] ?? def;
  const problem = check(value);
  if (problem) {
    process.stderr.write(`devnet: --${flag} / ${env}: ${problem} (got ${JSON.stringify(value)})\n`);
    process.exit(1);
  }
  return value;
}
const int = (min: number, max: number) => (v: string) =>
  /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? undefined : `must be an integer from ${min} to ${max}`;

const devnet = startDevnet({
  port: Number(setting('port', 'DEVNET_PORT', '9933', int(0, 65535))),
  host: setting('host', 'DEVNET_HOST', '127.0.0.1', (v) => (v ? undefined : 'must not be empty')),
  seed: Number(setting('seed', 'DEVNET_SEED', '42', int(0, 2 ** 31))),
  blockIntervalMs: Number(setting('block-interval-ms', 'DEVNET_BLOCK_INTERVAL_MS', '1000', int(10, 3_600_000))),
  confirmBlocks: Number(setting('confirm-blocks', 'DEVNET_CONFIRM_BLOCKS', '2', int(1, 1000))),
  authToken: process.env.THEBLOCK_AUTH_TOKEN || undefined,
});

devnet
  .listen()
  .then((url) => console.log(`devnet listening on ${url}`))
  .catch((err: NodeJS.ErrnoException) => {
    process.stderr.write(`devnet: cannot listen: ${err.code === 'EADDRINUSE' ? 'port already in use' : err.message}\n`);
    process.exit(1);
  });

const stop = () => devnet.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
