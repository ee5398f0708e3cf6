import type { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_LIST } from '@blockops/domain';
import type { ChainClient } from '@blockops/chain';
import type { AccountingStore } from '@blockops/accounts';
import type { Logger } from './logger';

/** A refusal to start whose message says what to do: printed alone, exit code 1 (packages/config exitOnStartupError). */
export class StartupRefusal extends Error {
  readonly startupRefusal = true;
}

/**
 * Workflows upsert blockops' search attributes; on a namespace without them every such workflow
 * task would fail. The dev server registers them at start; a cluster needs them created once.
 */
export async function assertSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = SEARCH_ATTRIBUTE_LIST.filter((a) => !customAttributes || !(a.name in customAttributes));
  if (missing.length === 0) return;
  throw new StartupRefusal(
    `TEMPORAL_NAMESPACE "${namespace}" lacks the search attributes ${missing.map((a) => a.name).join(', ')}. ` +
      `Create them once (README, "Search attributes"):\n` +
      missing
        .map((a) => `  temporal operator search-attribute create --namespace ${namespace} --name ${a.name} --type ${a.type}`)
        .join('\n'),
  );
}

/**
 * The accounting state must belong to the chain the node serves: records the chain on a new
 * store, refuses (ChainMismatchError, naming both chains and the reset) on another chain's state.
 * A node that cannot name its chain (no `chain.id`) is accepted with a warning.
 */
export async function bindAccountingToChain(
  chain: Pick<ChainClient, 'chain'>,
  store: Pick<AccountingStore, 'bindChain'>,
  log: Logger,
  nodeUrl?: string,
): Promise<void> {
  let id;
  try {
    id = await chain.chain.id();
  } catch (err) {
    if ((err as { rpcCode?: number }).rpcCode !== -32601) throw err;
    log.warn('the node does not name its chain (no chain.id method): accounting cannot tell if it changes chains');
    return;
  }
  const bound = await store.bindChain({ chainId: id.chain_id, genesisHash: id.genesis_hash }, { nodeUrl });
  if (bound.outcome === 'adopted') {
    log.warn(
      { chainId: id.chain_id, checkpoint: bound.checkpoint },
      'accounting state from before chains were recorded: taken to belong to this chain',
    );
  } else {
    log.info({ chainId: id.chain_id, genesisHash: id.genesis_hash, outcome: bound.outcome }, 'accounting state belongs to this chain');
  }
}
