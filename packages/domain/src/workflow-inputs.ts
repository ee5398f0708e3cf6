import { z } from 'zod';
import { MARKETS } from './markets';
import { MAX_AMOUNT_UNITS, MONEY_DECIMALS, formatUnits } from './money';
import { positiveAmountSchema } from './money-schemas';

/**
 * Inputs of the workflows an operator can start from the console or the API. The web app
 * validates requests with these and renders the start forms from their JSON Schema; workflows
 * import only the inferred types.
 */
export const networkCheckInputSchema = z
  .object({
    minPeers: z.number().int().min(0).max(10_000).default(3).describe('Fewer connected peers than this marks the network unhealthy'),
    minStrength: z.number().int().min(0).max(100).default(50).describe('Network strength (0–100) below this marks it unhealthy'),
  })
  .strict();
export type NetworkCheckInput = z.input<typeof networkCheckInputSchema>;

export const noopInputSchema = z.object({}).strict();

export const receiptPollerInputSchema = z
  .object({
    pollIntervalMs: z
      .number()
      .int()
      .min(10)
      .max(3_600_000)
      .default(1000)
      .describe('Wait between polls once caught up with the chain head (ms)'),
    batchSize: z.number().int().min(1).max(1000).default(1000).describe('Receipts fetched and applied per activity'),
    cyclesPerRun: z.number().int().min(1).max(10_000).default(500).describe('Polls per run before continue-as-new'),
    batchTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(600_000)
      .default(60_000)
      .describe('A batch attempt that takes longer or stops heartbeating (e.g. its worker died) is retried'),
    pauseRecheckMs: z
      .number()
      .int()
      .min(10)
      .max(3_600_000)
      .default(30_000)
      .describe('While SHUTDOWN pauses the poller, how often it re-checks (RESUME wakes it at once)'),
    idleMaxMs: z
      .number()
      .int()
      .min(0)
      .max(3_600_000)
      .default(60_000)
      .describe('While nothing of ours happens, one activity polls for up to this long (ms): an idle poller writes no history meanwhile'),
  })
  .strict();
export type ReceiptPollerInput = z.input<typeof receiptPollerInputSchema>;

export const operationIdSchema = z
  .string()
  .min(1)
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -');

/** An operation on one market: the body of `POST /api/operations` and the operation workflow's input. */
export const operationInputSchema = z
  .object({
    operationId: operationIdSchema.describe('Idempotency key; the workflow id is op-<operationId>'),
    market: z.enum(MARKETS).describe('compute job, storage put, energy trade or ad campaign'),
    estimatedCost: positiveAmountSchema.describe(
      `Decimal tokens, e.g. "25.50" (> 0, at most ${MONEY_DECIMALS} decimals, at most ${formatUnits(MAX_AMOUNT_UNITS)}): reserved from the balance until the receipt settles it`,
    ),
    units: z.number().int().min(1).max(1e9, 'must be at most 1e9').default(1).describe('Compute units, bytes, kWh or impressions'),
    confirmTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(86_400_000)
      .optional()
      .describe('EXPIRED when no confirming receipt arrives in time (ms)'),
    pollIntervalMs: z.number().int().min(50).max(3_600_000).optional().describe('Fallback poll of tx.status while waiting (ms)'),
  })
  .strict();
export type OperationInput = z.input<typeof operationInputSchema>;
