import { startDevnet } from './rpc-server';
import { cents } from './chain-state';

/** All values of `--flag value` (a flag may repeat). */
const flagValues = (flag: string) =>
  process.argv.flatMap((a, i) => (a === `--${flag}` && process.argv[i + 1] !== undefined ? [process.argv[i + 1]!] : []));

/** `--flag value` or the env variable; a bad value exits with one line naming it. */
function setting(flag: string, env: string, def: string, check: (v: string) => string | undefined): string {
  const value = flagValues(flag)[0] ?? process.env[env] ?? def;
  const problem = check(value);
  if (problem) die(`--${flag} / ${env}: ${problem} (got ${JSON.stringify(value)})`);
  return value;
}
function die(message: string): never {
  process.stderr.write(`devnet: ${message}\n`);
  process.exit(1);
}
const int = (min: number, max: number) => (v: string) =>
  /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? undefined : `must be an integer from ${min} to ${max}`;

// --fund ACCOUNT=AMOUNT credits an account at genesis (repeatable); ignored when a state file is restored
const funds = flagValues('fund').map((f) => {
  const m = /^([^=\s]{1,128})=(\d+(?:\.\d+)?)$/.exec(f);
  if (!m) die(`--fund: must be ACCOUNT=AMOUNT, e.g. 0xblockops=100000 (got ${JSON.stringify(f)})`);
  return { account: m[1]!, amount: Number(m[2]) };
});
const stateFile = setting('state', 'DEVNET_STATE', '', () => undefined) || undefined;

let devnet: ReturnType<typeof startDevnet>;
try {
  devnet = startDevnet({
    port: Number(setting('port', 'DEVNET_PORT', '9933', int(0, 65535))),
    host: setting('host', 'DEVNET_HOST', '127.0.0.1', (v) => (v ? undefined : 'must not be empty')),
    seed: Number(setting('seed', 'DEVNET_SEED', '42', int(0, 2 ** 31))),
    // a new chain draws a fresh id unless one is given; a restored chain keeps its own
    chainId:
      setting('chain-id', 'DEVNET_CHAIN_ID', '', (v) =>
        v === '' || /^[\w.-]{1,64}$/.test(v) ? undefined : 'must be 1–64 letters, digits, _, . or -',
      ) || undefined,
    blockIntervalMs: Number(setting('block-interval-ms', 'DEVNET_BLOCK_INTERVAL_MS', '1000', int(10, 3_600_000))),
    confirmBlocks: Number(setting('confirm-blocks', 'DEVNET_CONFIRM_BLOCKS', '2', int(1, 1000))),
    treasuryBalance: Number(setting('treasury-balance', 'DEVNET_TREASURY_BALANCE', '1000000', int(0, 1e15))),
    providerAccounts: flagValues('provider-account'),
    authToken: process.env.THEBLOCK_AUTH_TOKEN || undefined,
    stateFile,
  });
} catch (err) {
  die((err as Error).message);
}
if (!devnet.restored) {
  for (const f of funds) devnet.chain.balances[f.account] = cents((devnet.chain.balances[f.account] ?? 0) + f.amount);
  devnet.chain.changed();
}

devnet
  .listen()
  .then((url) =>
    console.log(
      `devnet listening on ${url}: chain ${devnet.chain.chainId}${stateFile ? ` (state ${stateFile}, ${devnet.restored ? `restored at height ${devnet.chain.height}` : 'new chain'})` : ''}`,
    ),
  )
  .catch((err: NodeJS.ErrnoException) => die(`cannot listen: ${err.code === 'EADDRINUSE' ? 'port already in use' : err.message}`));

const stop = () => devnet.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
