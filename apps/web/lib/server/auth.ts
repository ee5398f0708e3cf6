import { timingSafeEqual } from 'node:crypto';
import type { Config } from '@blockops/config';
import type { Role } from '@blockops/domain';

export type { Role };

const same = (a: string, b: string) => {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
};

function authEnabled(config: Config): boolean {
  return Boolean(config.BLOCKOPS_OPERATOR_KEY || config.BLOCKOPS_VIEWER_KEY);
}

/** The role a presented key grants; with auth off (no keys configured, dev) everyone is operator. */
export function roleForKey(config: Config, key: string | undefined): Role | undefined {
  if (!authEnabled(config)) return 'operator';
  if (!key) return undefined;
  if (config.BLOCKOPS_OPERATOR_KEY && same(key, config.BLOCKOPS_OPERATOR_KEY)) return 'operator';
  if (config.BLOCKOPS_VIEWER_KEY && same(key, config.BLOCKOPS_VIEWER_KEY)) return 'viewer';
  return undefined;
}

export function satisfies(role: Role | undefined, needed: Role): boolean {
  return role === 'operator' || (role === 'viewer' && needed === 'viewer');
}

export function bearer(header: string | null | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m?.[1]?.trim();
}
