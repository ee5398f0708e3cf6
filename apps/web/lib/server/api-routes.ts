/**
 * The route registry: every /api route file, once. The OpenAPI document is generated from the
 * endpoints found here, and the contract test fails when a route file under app/api is missing.
 * Adding a route: write app/api/<path>/route.ts with `endpoint(...)` + `routeMethods(...)`, then
 * add one line below (see docs/ARCHITECTURE.md, "Control API").
 */
import type { Endpoint, NextHandler } from './endpoint';
import * as alerts from '@/app/api/alerts/route';
import * as alertsWebhook from '@/app/api/alerts/webhook/route';
import * as audit from '@/app/api/audit/route';
import * as disbursements from '@/app/api/disbursements/route';
import * as disbursement from '@/app/api/disbursements/[id]/route';
import * as disbursementBatches from '@/app/api/disbursements/batches/route';
import * as disbursementBatch from '@/app/api/disbursements/batches/[batchId]/route';
import * as disbursementBatchGraph from '@/app/api/disbursements/batches/[batchId]/graph/route';
import * as disbursementBatchItems from '@/app/api/disbursements/batches/[batchId]/items/route';
import * as disbursementThrottle from '@/app/api/disbursements/throttle/route';
import * as breakers from '@/app/api/breakers/route';
import * as breakerControl from '@/app/api/breakers/[name]/[action]/route';
import * as emergency from '@/app/api/emergency/route';
import * as emergencyAction from '@/app/api/emergency/[action]/route';
import * as emergencyLimits from '@/app/api/emergency/limits/route';
import * as gates from '@/app/api/gates/route';
import * as health from '@/app/api/health/route';
import * as marketsHealth from '@/app/api/markets/health/route';
import * as networkMetrics from '@/app/api/network/metrics/route';
import * as openapi from '@/app/api/openapi.json/route';
import * as operations from '@/app/api/operations/route';
import * as operationsClosed from '@/app/api/operations/closed/route';
import * as operationsConfirmed from '@/app/api/operations/confirmed/route';
import * as operationsPending from '@/app/api/operations/pending/route';
import * as operationsSchema from '@/app/api/operations/schema/route';
import * as peers from '@/app/api/peers/route';
import * as pnl from '@/app/api/pnl/route';
import * as pnlSeries from '@/app/api/pnl/series/route';
import * as receipts from '@/app/api/receipts/route';
import * as runs from '@/app/api/runs/route';
import * as run from '@/app/api/runs/[workflowId]/route';
import * as status from '@/app/api/status/route';
import * as workflows from '@/app/api/workflows/route';

/** Route modules by their folder under app/api (the contract test compares this with the files). */
export const routeModules: Record<string, Record<string, unknown>> = {
  alerts,
  'alerts/webhook': alertsWebhook,
  audit,
  disbursements,
  'disbursements/[id]': disbursement,
  'disbursements/batches': disbursementBatches,
  'disbursements/batches/[batchId]': disbursementBatch,
  'disbursements/batches/[batchId]/graph': disbursementBatchGraph,
  'disbursements/batches/[batchId]/items': disbursementBatchItems,
  'disbursements/throttle': disbursementThrottle,
  breakers,
  'breakers/[name]/[action]': breakerControl,
  emergency,
  'emergency/[action]': emergencyAction,
  'emergency/limits': emergencyLimits,
  gates,
  health,
  'markets/health': marketsHealth,
  'network/metrics': networkMetrics,
  'openapi.json': openapi,
  operations,
  'operations/closed': operationsClosed,
  'operations/confirmed': operationsConfirmed,
  'operations/pending': operationsPending,
  'operations/schema': operationsSchema,
  peers,
  pnl,
  'pnl/series': pnlSeries,
  receipts,
  runs,
  'runs/[workflowId]': run,
  status,
  workflows,
};

const isEndpoint = (h: unknown): h is Endpoint => typeof h === 'function' && 'spec' in (h as NextHandler);

/** Every endpoint, in path then method order. */
export function endpoints(): Endpoint[] {
  return Object.values(routeModules)
    .flatMap((m) => Object.values(m).filter(isEndpoint))
    .sort((a, b) => a.spec.path.localeCompare(b.spec.path) || a.spec.method.localeCompare(b.spec.method));
}
