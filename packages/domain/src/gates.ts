import type { Market } from './markets';

/** Governor gate states of a market (seed 000): only `Trade` admits new operations. */
export const GATE_STATES = ['Trade', 'Halt', 'PostOnly'] as const;
export type GateState = (typeof GATE_STATES)[number];
export interface Gate {
  state: GateState;
  reason: string;
}
export type Gates = Record<Market, Gate>;
/** A market whose gate refuses new operations, and why. */
export type GateRefusal = Gate & { market: Market };

const gateAdmits = (state: GateState): boolean => state === 'Trade';

/** Why an operation is refused at its market's gate, or undefined when the gate admits it. */
export function gateRefusal(gates: Gates, market: Market): GateRefusal | undefined {
  const g = gates[market];
  return gateAdmits(g.state) ? undefined : { market, state: g.state, reason: g.reason };
}
