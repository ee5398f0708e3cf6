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
/** A moment in a narrow column: its time of day when it is today, else its date and time to the minute. */
export function shortDateTime(t: string | number | undefined, now = new Date()): string {
  if (!t) return '—';
  const d = new Date(t);
  return d.toDateString() === now.toDateString()
    ? d.toLocaleTimeString()
    : d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
/** "1 chunk", "4 chunks". */
export const count = (n: number, one: string, many = `${one}s`) => `${num(n)} ${n === 1 ? one : many}`;
const sign = (v: string | number) => (typeof v === 'number' ? Math.sign(v) : /^-/.test(v) ? -1 : /[1-9]/.test(v) ? 1 : 0);
export const signClass = (v: string | number) => (sign(v) > 0 ? 'ok' : sign(v) < 0 ? 'error' : 'muted');
