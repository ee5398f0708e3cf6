import type { Market } from './accounting';

/** Governor gate of a market (seed 000): only `Trade` admits new operations. */
export type GateState = 'Trade' | 'Halt' | 'PostOnly';
export type Gates = Record<Market, { state: GateState; reason: string }>;

export const gateAdmits = (state: GateState): boolean => state === 'Trade';

/** Why an operation is refused at its market's gate, or undefined when the gate admits it. */
export function gateRefusal(gates: Gates, market: Market): { market: Market; state: GateState; reason: string } | undefined {
  const g = gates[market];
  return gateAdmits(g.state) ? undefined : { market, state: g.state, reason: g.reason };
}
