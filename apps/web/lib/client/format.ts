/** An exact decimal amount from the API ("7016.06"), shown with grouping and at least two decimals, never through a float. */
export function money(v: string | number | undefined | null): string {
  if (v === undefined || v === null) return '—';
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(v));
  if (!m) return String(v);
  const int = m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${m[1]}${int}.${(m[3] ?? '').padEnd(2, '0')}`;
}
export const num = (n: number | undefined | null, digits = 0) =>
  n === undefined || n === null ? '—' : n.toLocaleString(undefined, { maximumFractionDigits: digits });
/** An ISO 8601 time (or ms since the epoch) as a local time of day. */
export const time = (t: string | number | undefined) => (t ? new Date(t).toLocaleTimeString() : '—');
const sign = (v: string | number) => (typeof v === 'number' ? Math.sign(v) : /^-/.test(v) ? -1 : /[1-9]/.test(v) ? 1 : 0);
export const signClass = (v: string | number) => (sign(v) > 0 ? 'ok' : sign(v) < 0 ? 'error' : 'muted');
