import { RunDetail } from '@/components/run-detail';

export const dynamic = 'force-dynamic';

export default async function Page({ params }: { params: Promise<{ workflowId: string }> }) {
  const { workflowId } = await params;
  return <RunDetail workflowId={decodeURIComponent(workflowId)} />;
}
