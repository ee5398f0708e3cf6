import { AlertsPanel } from '@/components/alerts-panel';

export const dynamic = 'force-dynamic';

export default function Page() {
  return <AlertsPanel history />;
}
