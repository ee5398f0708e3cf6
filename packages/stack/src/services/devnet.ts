import path from 'node:path';
import { httpOk, isListening } from '../net';
import { startProcess } from '../process';
import { childEnv, outputOf, pickPort, tsxCommand, type StackContext } from './context';

/** THEBLOCK_RPC_URL as given, else the devnet with its state file under dataDir. */
export async function startDevnet(ctx: StackContext): Promise<void> {
  const { opts, userEnv, env } = ctx;
  if (userEnv.THEBLOCK_RPC_URL) {
    env.THEBLOCK_RPC_URL = userEnv.THEBLOCK_RPC_URL;
  } else {
    const port = await pickPort(opts.ports?.devnet, 9933);
    if (await isListening(port))
      throw new Error(`Port ${port} is taken; the devnet cannot start. Set THEBLOCK_RPC_URL to use a running node.`);
    const { command, args } = tsxCommand(ctx, 'apps/devnet/src/main.ts');
    const account = userEnv.TB_ACCOUNT ?? '0xblockops';
    ctx.processes.push(
      await startProcess({
        name: 'devnet',
        command,
        args: [
          ...args,
          ...['--port', String(port), '--host', '127.0.0.1'],
          // the chain persists under dataDir unless devnetArgs names its own state file ('' = none)
          ...(opts.devnetArgs?.includes('--state') ? [] : ['--state', path.join(opts.dataDir, 'devnet-state.json')]),
          // our account starts with the balance the accounting starts from, and earns as a provider
          ...['--fund', `${account}=${userEnv.TB_STARTING_BALANCE ?? 100_000}`, '--provider-account', account],
          ...(opts.devnetArgs ?? []),
        ],
        env: childEnv(ctx),
        ready: () => httpOk(`http://127.0.0.1:${port}/health`),
        output: outputOf(ctx, 'devnet'),
      }),
    );
    env.THEBLOCK_RPC_URL = `http://127.0.0.1:${port}`;
    ctx.urls.devnetMetrics = `${env.THEBLOCK_RPC_URL}/metrics`;
    ctx.scrapeTargets.push({ job: 'blockops-devnet', service: 'devnet', targets: [`127.0.0.1:${port}`] });
  }
  ctx.urls.devnet = env.THEBLOCK_RPC_URL;
  ctx.log(`devnet    ${env.THEBLOCK_RPC_URL}`);
}
