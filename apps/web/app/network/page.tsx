import { NetworkPage } from '@/components/network-page';

export const dynamic = 'force-dynamic';

export default function Page() {
  return <NetworkPage />;
}
