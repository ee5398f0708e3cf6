export const money = (n: number | undefined | null) =>
  n === undefined || n === null ? '—' : n.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const num = (n: number | undefined | null, digits = 0) =>
  n === undefined || n === null ? '—' : n.toLocaleString(undefined, { maximumFractionDigits: digits });
export const time = (ms: number | undefined) => (ms ? new Date(ms).toLocaleTimeString() : '—');
export const signClass = (n: number) => (n > 0 ? 'ok' : n < 0 ? 'error' : 'muted');
