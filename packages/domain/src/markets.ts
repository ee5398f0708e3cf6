/** The four markets of The Block (seed 000). Every package names them from here. */
export const MARKETS = ['compute', 'storage', 'energy', 'ad'] as const;
export type Market = (typeof MARKETS)[number];
