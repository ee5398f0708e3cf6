import { z } from 'zod';
import { amountProblem, parseAmount } from '@blockops/domain';

const port = (def: number) =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int('must be an integer')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(def);

const hostPort = (def: string) =>
  z
    .string()
    .trim()
    .default(def)
    .refine((v) => /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(v) && Number(v.split(':').pop()) <= 65535, {
      error: 'must be host:port, e.g. 127.0.0.1:7233',
    });

const url = (def: string, protocols: string[]) =>
  z
    .string()
    .trim()
    .default(def)
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      { error: `must be a URL starting with ${protocols.map((p) => p + '//').join(' or ')}` },
    );

const positiveInt = (def: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(max, `must be at most ${max}`)
    .default(def);

/** A decimal amount of money ("500", "1234.56"); "0" disables the limit it sets. */
const amount = (def: string) =>
  z
    .string()
    .trim()
    .default(def)
    .superRefine((v, ctx) => {
      const problem = amountProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

const optionalSecret = z
  .string()
  .trim()
  .min(16, 'must be at least 16 characters')
  .optional()
  .or(z.literal('').transform(() => undefined));

/** Comma-separated origins (scheme://host[:port]) whose pages may make control calls. */
const originList = z
  .string()
  .trim()
  .default('')
  .transform((v, ctx) => {
    const origins = v
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    for (const o of origins) {
      let ok = false;
      try {
        const u = new URL(o);
        ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === o;
      } catch {
        ok = false;
      }
      if (!ok)
        ctx.addIssue({
          code: 'custom',
          message: `each entry must be an origin like https://ops.example.com (no path, no trailing slash): "${o.slice(0, 80)}" is not`,
        });
    }
    return origins;
  });

/**
 * Every environment variable blockops reads, with its default. The README's configuration table
 * mirrors this; defaults run the whole stack on one machine.
 */
export const configSchema = z
  .object({
    TEMPORAL_ADDRESS: hostPort('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().trim().min(1, 'must not be empty').default('default'),
    TEMPORAL_TASK_QUEUE: z.string().trim().min(1, 'must not be empty').default('blockops'),
    TEMPORAL_UI_URL: url('http://127.0.0.1:8233', ['http:', 'https:']),
    REDIS_URL: url('redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    EVENTS_STREAM: z.string().trim().min(1, 'must not be empty').default('blockops:events'),
    EVENTS_MAXLEN: positiveInt(100_000, 10_000_000),
    AUDIT_STREAM: z.string().trim().min(1, 'must not be empty').default('blockops:audit'),
    /** Redis key prefix of the alerts Alertmanager delivered to the console's webhook. */
    ALERTS_PREFIX: z.string().trim().min(1, 'must not be empty').default('blockops:alerts'),
    THEBLOCK_RPC_URL: url('http://127.0.0.1:9933', ['http:', 'https:']),
    THEBLOCK_AUTH_TOKEN: z.string().trim().optional(),
    THEBLOCK_RPC_TIMEOUT_MS: positiveInt(5000, 120_000),
    /** Decimal tokens ("100000", "2500.75"), held exactly as bigint micro-token units. */
    TB_STARTING_BALANCE: z
      .string()
      .trim()
      .default('100000')
      .transform((v, ctx) => {
        const problem = amountProblem(v);
        if (problem) {
          ctx.addIssue({ code: 'custom', message: problem });
          return z.NEVER;
        }
        return parseAmount(v);
      }),
    /** Our account on The Block: receipts where it is consumer (spend) or provider (earn) are accounted. */
    TB_ACCOUNT: z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters').default('0xblockops'),
    /** Redis key prefix of the accounting state (balance, positions, history, series, reservations, operations). */
    ACCOUNTS_PREFIX: z.string().trim().min(1, 'must not be empty').default('blockops:acct'),
    EMERGENCY_PREFIX: z.string().trim().min(1, 'must not be empty').default('blockops:emergency'),
    RISK_DAILY_LOSS_LIMIT: amount('10000'),
    RISK_MAX_POSITION: amount('50000'),
    RISK_MAX_DRAWDOWN_PCT: z.coerce
      .number({ error: 'must be a number' })
      .min(0, 'must be between 0 and 100')
      .max(100, 'must be between 0 and 100')
      .default(15),
    EMERGENCY_POLLER_RECHECK_MS: positiveInt(30_000, 3_600_000),
    RECEIPT_POLL_INTERVAL_MS: positiveInt(1000, 3_600_000),
    RECEIPT_BATCH_SIZE: positiveInt(1000, 1000),
    /** A batch attempt running longer or silent that long (its worker died, the node hangs) is retried by Temporal. */
    RECEIPT_BATCH_TIMEOUT_MS: positiveInt(60_000, 600_000),
    /** While nothing of ours happens on the chain, one poll activity keeps polling for up to this long: an idle poller writes no history meanwhile. */
    RECEIPT_POLL_IDLE_MS: positiveInt(60_000, 3_600_000),
    /** Start the receipt-poller singleton when the worker starts (it is a fixed workflow id: at most one runs). */
    RECEIPT_POLLER_AUTOSTART: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .default('true')
      .transform((v) => v === 'true'),
    OPERATION_CONFIRM_TIMEOUT_MS: positiveInt(120_000, 86_400_000),
    OPERATION_POLL_INTERVAL_MS: positiveInt(5000, 3_600_000),
    GATE_CACHE_MS: positiveInt(2000, 60_000),
    /** Circuit breaker of every chain write, shared by all workers through Redis (DESIGN.md §4). */
    BREAKER_PREFIX: z.string().trim().min(1, 'must not be empty').default('blockops:breaker'),
    BREAKER_FAILURE_THRESHOLD: positiveInt(5, 1000),
    BREAKER_WINDOW_MS: positiveInt(300_000, 86_400_000),
    BREAKER_OPEN_MS: positiveInt(60_000, 3_600_000),
    BREAKER_HALF_OPEN_PROBES: positiveInt(2, 100),
    BREAKER_SUCCESS_THRESHOLD: positiveInt(2, 100),
    BREAKER_PROBE_LEASE_MS: positiveInt(10_000, 600_000),
    /** Redis key prefix of the treasury store (disbursement items, DAG state, executor nonces, throttle). */
    TREASURY_PREFIX: z.string().trim().min(1, 'must not be empty').default('blockops:treasury'),
    /** Items per chunk (one activity, JSON-RPC batches) until an operator sets the throttle. */
    TREASURY_CHUNK_SIZE: positiveInt(250, 1000),
    /** Chunks of one batch in flight at once until an operator sets the throttle. */
    TREASURY_MAX_IN_FLIGHT_CHUNKS: positiveInt(4, 64),
    /** Executor identities `<TREASURY_EXECUTOR_PREFIX>-<i>`: each holds one item in flight, so this bounds items in flight. */
    TREASURY_EXECUTORS: positiveInt(1024, 100_000),
    TREASURY_EXECUTOR_PREFIX: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'must be 1–100 of letters, digits, _ . : -')
      .default('treasury-exec'),
    /** A chunk attempt running longer (its worker died, the node hangs) is retried with the same nonces. */
    TREASURY_CHUNK_TIMEOUT_MS: positiveInt(30_000, 600_000),
    /** A chunk keeps submitting rounds of newly ready items this long before reporting to its workflow (0 = one round). */
    TREASURY_CHUNK_BUDGET_MS: z.coerce
      .number({ error: 'must be a number' })
      .int('must be an integer')
      .min(0, 'must be at least 0')
      .max(300_000, 'must be at most 300000')
      .default(2000),
    /** A batch with nothing ready (waiting on other batches or free executors) looks again after this. */
    TREASURY_IDLE_POLL_MS: positiveInt(1000, 600_000),
    /** A batch's run continues-as-new once its history holds this many events. */
    TREASURY_MAX_HISTORY_EVENTS: positiveInt(4000, 40_000),
    /** How often a worker starts the workflow of a stored batch that has none (the web died after storing it), once the batch is this old. */
    TREASURY_RECONCILE_MS: positiveInt(30_000, 3_600_000),
    /** Largest JSON-RPC request a chunk sends; a chunk is split into several (the devnet accepts 1 MiB). */
    TREASURY_RPC_MAX_BYTES: positiveInt(512 * 1024, 64 * 1024 * 1024),
    WEB_PORT: port(3000),
    WEB_HOST: z.string().trim().min(1).default('127.0.0.1'),
    WORKER_METRICS_PORT: port(9464),
    /** When set, control calls need this key (Authorization: Bearer). Unset = auth off (dev only). */
    BLOCKOPS_OPERATOR_KEY: optionalSecret,
    /** When set, read calls and the Socket.IO handshake need this key or the operator key. */
    BLOCKOPS_VIEWER_KEY: optionalSecret,
    /** When set, Alertmanager's webhook (POST /api/alerts/webhook) needs this bearer token (or the operator key). */
    ALERTS_WEBHOOK_TOKEN: optionalSecret,
    /** Foreign origins allowed to make control calls from a browser (our own origin always is). */
    BLOCKOPS_ALLOWED_ORIGINS: originList,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((c, ctx) => {
    // a probe's call ends (answer or timeout) before its lease does, so a live probe never loses its slot
    if (c.BREAKER_PROBE_LEASE_MS <= c.THEBLOCK_RPC_TIMEOUT_MS)
      ctx.addIssue({
        code: 'custom',
        path: ['BREAKER_PROBE_LEASE_MS'],
        message: `must be longer than THEBLOCK_RPC_TIMEOUT_MS (${c.THEBLOCK_RPC_TIMEOUT_MS})`,
      });
  });

export type Config = z.infer<typeof configSchema>;
