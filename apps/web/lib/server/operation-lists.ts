import { z } from 'zod';
import type { OperationRecord } from '@blockops/accounts';
import { CLOSED_OPERATION_STATUSES, OPERATION_STATUSES, type OperationStatus, formatUnits } from '@blockops/domain';
import { amount, isoTime, market, pageFields, pageQuery, runLinks as runLinksSchema } from './api-schemas';
import { endpoint, routeMethods } from './endpoint';
import { runLinks } from './http';
import type { Services } from './services';

export const operationSchema = z
  .object({
    operationId: z.string(),
    market,
    status: z.enum(OPERATION_STATUSES),
    estimatedCost: amount,
    units: z.number().int().positive().optional(),
    txHash: z.string().optional(),
    blockHeight: z.number().int().nonnegative().optional().describe('block of the confirming receipt'),
    actualCost: amount.optional().describe("the confirming receipt's amount"),
    receiptId: z.string().optional().describe('the confirming receipt'),
    lateFrom: z
      .enum(CLOSED_OPERATION_STATUSES)
      .optional()
      .describe('confirmed late: its receipt arrived after the operation had ended with this status (the charge is booked)'),
    reason: z.string().optional().describe('why it was rejected, failed or expired; for a late confirmation, which receipt confirmed it'),
    submittedAt: isoTime,
    updatedAt: isoTime,
    ...runLinksSchema,
  })
  .meta({ id: 'Operation' });

export type OperationView = z.output<typeof operationSchema>;

export function operationView(services: Services, o: OperationRecord): z.input<typeof operationSchema> {
  return {
    operationId: o.operationId,
    market: o.market as z.input<typeof market>,
    status: o.status,
    estimatedCost: formatUnits(o.estimatedCost),
    ...(o.units === undefined ? {} : { units: o.units }),
    ...(o.txHash === undefined ? {} : { txHash: o.txHash }),
    ...(o.blockHeight === undefined ? {} : { blockHeight: o.blockHeight }),
    ...(o.actualCost === undefined ? {} : { actualCost: formatUnits(o.actualCost) }),
    ...(o.receiptId === undefined ? {} : { receiptId: o.receiptId }),
    ...(o.lateFrom === undefined ? {} : { lateFrom: o.lateFrom }),
    ...(o.reason === undefined ? {} : { reason: o.reason }),
    submittedAt: new Date(o.submittedAt).toISOString(),
    updatedAt: new Date(o.updatedAt).toISOString(),
    ...runLinks(services, o.workflowId),
  };
}

type Statuses = readonly [OperationStatus, ...OperationStatus[]];

/**
 * The route methods of a list of operations in `statuses`, newest first; with several, `?status=`
 * narrows to one of them (the values the items' `status` field takes).
 */
export function operationListRoute(spec: { path: `/api/operations/${string}`; operationId: string; summary: string; statuses: Statuses }) {
  const { statuses } = spec;
  const several = statuses.length > 1;
  const query = z.object({
    ...pageQuery(50),
    ...(several
      ? {
          status: z
            .enum(statuses)
            .optional()
            .describe(`only this status; all of ${statuses.join(', ')} when absent`),
        }
      : {}),
  });
  const list = endpoint({
    method: 'GET',
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    tags: ['operations'],
    access: 'viewer',
    query,
    responses: {
      200: {
        description: 'a page of operations, newest first',
        schema: z.object({
          items: z.array(operationSchema),
          ...pageFields,
          statuses: z.array(z.enum(statuses)).describe('the statuses listed'),
        }),
      },
    },
  }).handle(async ({ services, query: q }) => {
    const only = (q as { status?: OperationStatus }).status;
    const listed = only ? [only] : [...statuses];
    const page = await services.operations.list(listed, { limit: q.limit, offset: q.offset });
    return {
      status: 200,
      body: {
        items: page.items.map((o) => operationView(services, o)),
        total: page.total,
        limit: q.limit,
        offset: q.offset,
        statuses: listed,
      },
    };
  });
  return routeMethods(list);
}
