import { AuditLog } from '@/components/audit-log';

export const dynamic = 'force-dynamic';

export default function Page() {
  return <AuditLog />;
}
