import { EmergencyPage } from '@/components/emergency-page';

export const dynamic = 'force-dynamic';

export default function Page() {
  return <EmergencyPage />;
}
