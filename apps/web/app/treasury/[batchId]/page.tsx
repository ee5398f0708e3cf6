import { BatchPage } from '@/components/batch-page';

export const dynamic = 'force-dynamic';

export default async function Page({
  params,
  searchParams,
}: {
  params: Promise<{ batchId: string }>;
  searchParams: Promise<{ item?: string | string[] }>;
}) {
  const { batchId } = await params;
  const { item } = await searchParams;
  return <BatchPage batchId={decodeURIComponent(batchId)} initialItem={typeof item === 'string' ? item : undefined} />;
}
