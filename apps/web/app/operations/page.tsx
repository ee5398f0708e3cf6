import { OperationsPage } from '@/components/operations-page';

export const dynamic = 'force-dynamic';

export default function Page() {
  return <OperationsPage />;
}
