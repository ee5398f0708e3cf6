/** Which chain accounting state belongs to: recorded with the state, compared on every start and batch. */
export interface ChainIdentity {
  chainId: string;
  genesisHash: string;
}

const describe = (c: ChainIdentity | undefined) =>
  !c ? 'an unrecorded chain' : c.chainId ? `chain ${c.chainId} (genesis ${c.genesisHash})` : `genesis ${c.genesisHash}`;

/**
 * The node serves another chain than the one the accounting state was built from: applying its
 * receipts would mix two ledgers. The message names both chains and the documented way out.
 */
export class ChainMismatchError extends Error {
  override name = 'ChainMismatchError';
  /** ends a starting process with this message alone (packages/config exitOnStartupError) */
  readonly startupRefusal = true;
  constructor(
    readonly recorded: ChainIdentity | undefined,
    readonly node: ChainIdentity,
    readonly prefix: string,
    nodeUrl?: string,
  ) {
    super(
      `accounting state under ACCOUNTS_PREFIX "${prefix}" belongs to ${describe(recorded)}, ` +
        `but the node${nodeUrl ? ` at ${nodeUrl}` : ''} serves ${describe(node)}. ` +
        `Keep its data with the chain it came from: to start over on this chain, reset the accounting state with ` +
        `\`npm run accounts:reset\` (README, "Changing chains"), or set ACCOUNTS_PREFIX to an unused prefix.`,
    );
  }
}
