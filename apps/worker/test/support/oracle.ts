/**
 * The independent P&L oracle for the poller tests. It shares no code with what it checks: no
 * packages/domain, no packages/accounts, not even packages/chain (whose client converts amounts
 * with packages/domain) — a plain loop over the node's full receipt log (`receipt.audit`, raw
 * JSON-RPC) in exact integer micro-units taken from the decimal text the node wrote, cross-checked
 * against the node's own ledger balance (the devnet debits our account for every operation
 * receipt, and credits nothing else).
 */

const MICRO = 1_000_000n;

/** Exact micro-units of a decimal amount ("12.34", "-0.5"); anything else (an exponent, > 6 decimals) throws. */
export function micro(text: string): bigint {
  const m = /^(-)?(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) throw new Error(`oracle: ${JSON.stringify(text)} is not an amount with at most 6 decimals`);
  const v = BigInt(m[2]!) * MICRO + BigInt((m[3] ?? '').padEnd(6, '0'));
  return m[1] ? -v : v;
}

/** The node's JSON-RPC endpoint (the devnet's URL; a bearer token when it wants one). */
export interface NodeEndpoint {
  url: string;
  authToken?: string;
}

/** Money fields of the answers the oracle reads: their JSON number text is kept as a string, exactly as the node wrote it. */
const MONEY_FIELDS = /"(amount|subsidy|balance)"\s*:\s*(-?\d[\d.eE+-]*)/g;

async function rpc<T>(node: NodeEndpoint, method: string, params: object): Promise<T> {
  const res = await fetch(node.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(node.authToken ? { authorization: `Bearer ${node.authToken}` } : {}) },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const text = (await res.text()).replace(MONEY_FIELDS, '"$1":"$2"');
  const body = JSON.parse(text) as { result?: T; error?: { message: string } };
  if (!res.ok || body.error || body.result === undefined)
    throw new Error(`oracle: ${method} answered ${res.status}: ${body.error?.message ?? text.slice(0, 200)}`);
  return body.result;
}

type AuditPage = { receipts: RawReceipt[]; next_offset: number | null };

interface RawReceipt {
  market: string;
  consumer: string;
  provider: string;
  amount: string;
  subsidy?: string | null;
  units?: number | null;
  operation_id?: string | null;
}

export interface MarketFigures {
  receipts: number;
  spent: bigint;
  earned: bigint;
  subsidies: bigint;
  unitsConsumed: number;
}

export interface LedgerOracle {
  toHeight: number;
  /** the node's head when the oracle read it: the ledger cross-check holds only at the head */
  head: number;
  /** receipts of our account up to the height */
  receipts: number;
  spends: number;
  earnings: number;
  /** spend receipts that confirm an operation */
  operationSpends: number;
  byMarket: Record<string, MarketFigures>;
  /** starting balance + earned + subsidies − spent */
  balance: bigint;
  /** what the node's ledger says our account holds */
  nodeBalance: bigint;
  /** the node's ledger, recomputed: starting balance − operation spends */
  nodeBalanceFromReceipts: bigint;
}

export async function ledgerOracle(node: NodeEndpoint, account: string, toHeight: number, startingBalance: string): Promise<LedgerOracle> {
  const start = micro(startingBalance);
  const byMarket: Record<string, MarketFigures> = {};
  let receipts = 0;
  let spends = 0;
  let earnings = 0;
  let operationSpends = 0;
  let balance = start;
  let operationSpent = 0n;
  for (let offset: number | null = 0; offset !== null;) {
    const page: AuditPage = await rpc<AuditPage>(node, 'receipt.audit', {
      from_height: 1,
      to_height: toHeight,
      limit: 1000,
      offset,
    });
    for (const r of page.receipts) {
      const spend = r.consumer === account;
      if (!spend && r.provider !== account) continue;
      const m = (byMarket[r.market] ??= { receipts: 0, spent: 0n, earned: 0n, subsidies: 0n, unitsConsumed: 0 });
      const amount = micro(r.amount);
      const subsidy = r.subsidy === undefined || r.subsidy === null ? 0n : micro(r.subsidy);
      receipts++;
      m.receipts++;
      m.subsidies += subsidy;
      balance += subsidy;
      if (spend) {
        spends++;
        m.spent += amount;
        m.unitsConsumed += r.units ?? 0;
        balance -= amount;
        if (r.operation_id) {
          operationSpends++;
          operationSpent += amount;
        }
      } else {
        earnings++;
        m.earned += amount;
        balance += amount;
      }
    }
    offset = page.next_offset;
  }
  const [ledger, header] = await Promise.all([
    rpc<{ balance: string }>(node, 'ledger.balance', { account }),
    rpc<{ height: number }>(node, 'light.latest_header', {}),
  ]);
  return {
    toHeight,
    head: header.height,
    receipts,
    spends,
    earnings,
    operationSpends,
    byMarket,
    balance,
    // the devnet keeps its ledger in cents: what it writes is the exact decimal
    nodeBalance: micro(ledger.balance),
    nodeBalanceFromReceipts: start - operationSpent,
  };
}

/** Micro-units of a figure blockops reports: a bigint count of its units (micro-tokens) as is, a decimal string (the API) exactly. */
export function storeMicro(value: string | bigint): bigint {
  return typeof value === 'bigint' ? value : micro(value);
}

/**
 * Asserts the store's accounting equals the oracle's: balance, receipt count and every market's
 * spent, earned, subsidies and receipts, exactly in micro-units; and, at the head, that the node's
 * own ledger agrees with the spends in its receipt log.
 */
export function expectAccountingMatches(
  state: {
    balance: string | bigint;
    receiptsProcessed: number;
    positions: Record<
      string,
      {
        totalSpent: string | bigint;
        totalEarned: string | bigint;
        subsidies: string | bigint;
        receipts: number;
        unitsConsumed: number;
      }
    >;
  },
  oracle: LedgerOracle,
) {
  expect(oracle.receipts).toBeGreaterThan(0);
  expect(state.receiptsProcessed).toBe(oracle.receipts);
  expect(storeMicro(state.balance)).toBe(oracle.balance);
  for (const [market, want] of Object.entries(oracle.byMarket)) {
    const got = state.positions[market]!;
    expect({
      market,
      receipts: got.receipts,
      spent: storeMicro(got.totalSpent),
      earned: storeMicro(got.totalEarned),
      subsidies: storeMicro(got.subsidies),
      unitsConsumed: got.unitsConsumed,
    }).toEqual({
      market,
      receipts: want.receipts,
      spent: want.spent,
      earned: want.earned,
      subsidies: want.subsidies,
      unitsConsumed: want.unitsConsumed,
    });
  }
  for (const [market, got] of Object.entries(state.positions)) if (!oracle.byMarket[market]) expect(got.receipts).toBe(0);
  if (oracle.toHeight === oracle.head) expect(oracle.nodeBalance).toBe(oracle.nodeBalanceFromReceipts);
}
