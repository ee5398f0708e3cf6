import { ReceiptsPage } from '@/components/receipts-page';

export const dynamic = 'force-dynamic';

export default function Page() {
  return <ReceiptsPage />;
}
