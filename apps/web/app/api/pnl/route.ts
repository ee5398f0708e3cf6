import { json, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** P&L summary (seed 000): balance, positions per market, available after reservations, recent transactions. */
export const GET = route('viewer', async (_req, { services }) => {
  const { store } = services;
  const [summary, available, reservations, recent] = await Promise.all([
    store.summary(),
    store.available(),
    store.reservations(),
    store.history({ limit: 20, offset: 0 }),
  ]);
  const reserved = Object.values(reservations).reduce((a, b) => a + b, 0);
  return json({ ...summary, available, reserved, transactions: recent.items, timestamp: new Date().toISOString() });
});
