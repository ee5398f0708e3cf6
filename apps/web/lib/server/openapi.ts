import { z } from 'zod';
import { CLOSED_OPERATION_STATUSES, MARKETS, networkCheckInputSchema } from '@blockops/domain';
import { submitOperationSchema } from './operations';
import { breakerControlSchema } from './breakers';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input' });
const errorBody = {
  type: 'object',
  properties: {
    error: { type: 'string' },
    issues: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
  },
};
const ok = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
const err = (description: string) => ({ description, content: { 'application/json': { schema: errorBody } } });
const page = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
  { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } },
];
const read = (summary: string, parameters: unknown[] = []) => ({
  get: {
    summary,
    security: [{ viewerKey: [] }],
    parameters,
    responses: {
      200: ok(summary),
      400: err('invalid query (names the parameter and its limit)'),
      401: err('no key'),
      502: err('The Block node failed'),
    },
  },
});

const breakerName = { name: 'name', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' } };
const breakerControl = (summary: string) => ({
  post: {
    summary,
    security: [{ operatorKey: [] }],
    parameters: [breakerName],
    requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/BreakerControl' } } } },
    responses: {
      200: ok('{changed, breaker}: whether the state changed, and the breaker after the action'),
      400: err('reason missing or too long (names the field)'),
      401: err('no key (audited)'),
      403: err('not the operator key (audited)'),
      404: err('no breaker of that name'),
    },
  },
});

/** The OpenAPI 3.1 document of /api: request schemas come from the same zod schemas the routes validate with. */
export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'blockops control API',
      version: '0.1.0',
      description:
        'Operations engine for The Block. Read calls need the viewer key, control calls the operator key (Authorization: Bearer), unless auth is off in dev.',
    },
    components: {
      securitySchemes: {
        viewerKey: { type: 'http', scheme: 'bearer' },
        operatorKey: { type: 'http', scheme: 'bearer' },
        alertsWebhookToken: { type: 'http', scheme: 'bearer', description: 'ALERTS_WEBHOOK_TOKEN' },
      },
      schemas: {
        OperationInput: schema(submitOperationSchema),
        NetworkCheckInput: schema(networkCheckInputSchema),
        BreakerControl: schema(breakerControlSchema),
        Error: errorBody,
      },
    },
    paths: {
      '/api/health': {
        get: {
          summary: 'healthy / degraded / unhealthy with reasons (open, for probes)',
          responses: { 200: ok('healthy or degraded'), 503: ok('unhealthy') },
        },
      },
      '/api/status': read('every subsystem: chain head, receipt poller and lag, accounting, operation counts'),
      '/api/pnl': read('P&L summary: balance, positions per market, available, reserved, recent transactions'),
      '/api/pnl/series': read('P&L time series, oldest first', [
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 10000 } },
      ]),
      '/api/gates': read('governor gate per market'),
      '/api/operations': {
        post: {
          summary: 'submit an operation (answered by the operation workflow: Update-with-Start)',
          security: [{ operatorKey: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/OperationInput' } } } },
          responses: {
            202: ok('submitted: {operationId, workflowId, txHash, status, temporalUrl}'),
            400: err('invalid input, naming the field'),
            402: err('balance short: {need, available}'),
            409: err('gate closed: {gate: {market, state, reason}}, or the operation id was already used'),
            401: err('no key'),
            403: err('not the operator key'),
            503: err(
              'The Block unavailable: the circuit breaker is open ({breaker, retryAt, retryAfterSeconds} and a Retry-After header; nothing submitted or reserved — submit the same operationId again then), or Temporal unavailable',
            ),
          },
        },
      },
      '/api/operations/schema': read('the operation input as JSON Schema'),
      '/api/operations/pending': read('submitted operations waiting for their receipt, newest first', page),
      '/api/operations/confirmed': read('confirmed operations, newest first', page),
      '/api/operations/closed': read('expired, rejected or failed operations', [
        ...page,
        { name: 'status', in: 'query', schema: { enum: [...CLOSED_OPERATION_STATUSES] } },
      ]),
      '/api/receipts': read('the chain receipt audit trail, newest first', [
        ...page,
        { name: 'market', in: 'query', schema: { enum: [...MARKETS] } },
      ]),
      '/api/network/metrics': read('network strength, head, finality, peers, tps, bandwidth'),
      '/api/markets/health': read('the four markets with their status'),
      '/api/peers': read('connected peers'),
      '/api/runs': {
        ...read('recent runs from Temporal visibility', [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } },
        ]),
        post: {
          summary: 'start a workflow from the catalogue',
          security: [{ operatorKey: [] }],
          responses: { 202: ok('started'), 400: err('invalid input') },
        },
      },
      '/api/runs/{workflowId}': read('one run with its replayed events', [
        { name: 'workflowId', in: 'path', required: true, schema: { type: 'string' } },
      ]),
      '/api/workflows': read('the startable workflows with their input JSON Schemas'),
      '/api/audit': read('the audit log of control actions, newest first'),
      '/api/breakers': read(
        'every circuit breaker: state (closed|open|half_open|forced_open|forced_closed), stateValue (0/1/2), failures, successes, activeProbes, openedAt, nextProbeAt, changedAt (ISO), thresholds, lastTransition {from, to, trigger, at, reason, actor|cause}',
      ),
      '/api/breakers/{name}/force-open': breakerControl('hold the breaker open: no chain write goes until reset (reason required)'),
      '/api/breakers/{name}/force-close': breakerControl(
        'hold the breaker closed: every chain write goes, nothing counted, until reset (reason required)',
      ),
      '/api/breakers/{name}/reset': breakerControl('back to closed with every count cleared (reason required)'),
      '/api/alerts': read('alerts Alertmanager delivered: those firing now, and recent changes of state (newest first)', [
        { name: 'history', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 1000, default: 50 } },
      ]),
      '/api/alerts/webhook': {
        post: {
          summary: "Alertmanager's webhook receiver (payload version 4): records each alert's state for the console",
          security: [{ alertsWebhookToken: [] }, { operatorKey: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
          responses: {
            200: ok('recorded: { received, recorded }'),
            400: err('not an Alertmanager webhook notification (names the field)'),
            401: err('missing or wrong ALERTS_WEBHOOK_TOKEN / operator key'),
            413: err('body over 4 MiB'),
          },
        },
      },
    },
  };
}
