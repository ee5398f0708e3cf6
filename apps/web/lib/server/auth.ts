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

/**
 * Alertmanager's webhook: its own token (ALERTS_WEBHOOK_TOKEN) so Alertmanager need not hold the
 * operator key; the operator key works too; with neither a token nor keys configured it is open (dev).
 */
export function webhookAuthorized(config: Config, key: string | undefined): boolean {
  if (config.ALERTS_WEBHOOK_TOKEN && key && same(key, config.ALERTS_WEBHOOK_TOKEN)) return true;
  if (config.ALERTS_WEBHOOK_TOKEN && !authEnabled(config)) return false;
  return roleForKey(config, key) === 'operator';
}
