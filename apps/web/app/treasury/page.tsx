import { TreasuryPage } from '@/components/treasury-page';

export const dynamic = 'force-dynamic';

export default function Page() {
  return <TreasuryPage />;
}
