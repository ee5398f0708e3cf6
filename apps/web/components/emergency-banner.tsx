'use client';

import Link from 'next/link';
import { useLiveData } from '@/lib/client/use-live-data';
import { EMERGENCY_LIVE, type EmergencyDocument } from '@/lib/client/emergency';

/** On every page: the emergency state, live; a full-width banner with the reason when it is not NORMAL. */
export function EmergencyBanner() {
  const { data } = useLiveData<{ e: EmergencyDocument }>({ e: '/api/emergency' }, EMERGENCY_LIVE);
  const e = data.e;
  if (!e || e.state === 'NORMAL') return null;
  return (
    <div className={`emergency-banner emergency-${e.state.toLowerCase()}`} role="alert" data-testid="emergency-banner" data-state={e.state}>
      <strong>{e.state}</strong>
      <span>
        {e.reason} — {e.actor}, since {new Date(e.since).toLocaleString()}
      </span>
      <Link href="/emergency">{e.state === 'ALERT' ? 'details' : 'resume…'}</Link>
    </div>
  );
}
