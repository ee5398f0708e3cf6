import { breakerControl } from '@/lib/server/breakers';

export const dynamic = 'force-dynamic';

export const POST = breakerControl('force-close');
