import { count, money, shortDateTime } from '../lib/client/format';

test('shortDateTime: the time of day for a moment of today, the date and minute for another day', () => {
  const now = new Date(2026, 11, 7, 15, 0, 0);
  const today = new Date(2026, 11, 7, 9, 30, 5);
  expect(shortDateTime(today.getTime(), now)).toBe(today.toLocaleTimeString());
  const earlier = new Date(2026, 11, 6, 23, 59, 0);
  const shown = shortDateTime(earlier.toISOString(), now);
  expect(shown).not.toBe(earlier.toLocaleTimeString());
  expect(shown).toBe(earlier.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }));
  expect(shortDateTime(undefined, now)).toBe('—');
});

test('count: singular for one, plural otherwise, grouped digits', () => {
  expect(count(1, 'chunk')).toBe('1 chunk');
  expect(count(4, 'chunk')).toBe('4 chunks');
  expect(count(0, 'item')).toBe('0 items');
  expect(count(1000, 'item')).toBe((1000).toLocaleString() + ' items');
});

test('money: exact decimal strings, grouped, at least two decimals', () => {
  expect(money('259950')).toBe('259,950.00');
  expect(money('0.000001')).toBe('0.000001');
  expect(money(undefined)).toBe('—');
});
