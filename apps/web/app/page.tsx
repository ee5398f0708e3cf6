import { ConsoleHome } from '@/components/console-home';

export const dynamic = 'force-dynamic';

export default function Page() {
  return <ConsoleHome />;
}
