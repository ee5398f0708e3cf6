import { z } from 'zod';
import { json, route } from '@/lib/server/http';
import { submitOperationSchema } from '@/lib/server/operations';

export const dynamic = 'force-dynamic';

/** The operation input as JSON Schema: the console's submit form is generated from it. */
export const GET = route('viewer', async () => json({ inputSchema: z.toJSONSchema(submitOperationSchema, { io: 'input' }) }));
