import { PnlPage } from '@/components/pnl-page';

export const dynamic = 'force-dynamic';

export default function Page() {
  return <PnlPage />;
}
