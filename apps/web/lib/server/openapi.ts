/**
 * The OpenAPI 3.1 document of /api, generated from the route registry (api-routes.ts): the same
 * zod schemas validate requests, type the handlers' answers and describe them here.
 */
import { createDocument, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { endpoints, routeModules } from './api-routes';
import { commonResponses, type EndpointSpec } from './endpoint';

const correlationHeader = { 'x-correlation-id': { $ref: '#/components/headers/CorrelationId' } };

const security = (spec: EndpointSpec): Record<string, string[]>[] =>
  spec.access === 'public'
    ? []
    : [...(spec.authorize ? [{ [spec.authorize.scheme.name]: [] }] : []), { bearerKey: [spec.access] }, { apiKeyHeader: [spec.access] }];

function responses(spec: EndpointSpec): ZodOpenApiResponsesObject {
  return Object.fromEntries(
    Object.entries(commonResponses(spec)).map(([status, r]) => [
      status,
      {
        description: r.description,
        ...(spec.access === 'public' ? {} : { headers: correlationHeader }),
        content: { 'application/json': { schema: r.schema } },
      },
    ]),
  );
}

const DESCRIPTION = `Operations engine for The Block: runs, operations, accounting and the node's view.

**Keys.** Read calls need the viewer key (or the operator key), control calls the operator key, sent as
\`Authorization: Bearer <key>\` or \`x-api-key: <key>\` (the security requirements name the role). With neither
BLOCKOPS_OPERATOR_KEY nor BLOCKOPS_VIEWER_KEY set, auth is off (development). \`x-actor: <name>\` names you in the audit log.

**Control calls** (POST, PUT, PATCH, DELETE) need \`Content-Type: application/json\` and are refused (403) from a
browser origin other than this console's or one in BLOCKOPS_ALLOWED_ORIGINS, auth on or off.

**Errors** are JSON \`{ "error": "<one sentence>", "issues": [{ "field", "message" }] }\`. An unknown /api path
answers 404 and a method a path does not serve answers 405 with \`Allow\`, both as JSON.

**Amounts** are exact decimal strings ("7016.06", at most 6 decimals), never floats.
**Times**: blockops' own fields are ISO 8601 (UTC). The node's receipts and the seed-002 answers
(/api/network/metrics, /api/markets/health, /api/peers, /api/receipts) keep their Unix-second \`timestamp\`
fields as the seed defines them; each such field says so.`;

const specPathOf = (folder: string) => `/api/${folder.replace(/\[(\w+)\]/g, '{$1}')}`;

let cached: ReturnType<typeof build> | undefined;

/** The document (built once); throws when a route module's endpoints are not on its folder's path (a registry slip). */
export function openApiDocument() {
  return (cached ??= build());
}

function build() {
  for (const [folder, mod] of Object.entries(routeModules)) {
    for (const h of Object.values(mod)) {
      const spec = (h as { spec?: EndpointSpec }).spec;
      if (spec && spec.path !== specPathOf(folder))
        throw new Error(`route registry: app/api/${folder}/route.ts declares ${spec.method} ${spec.path}, expected ${specPathOf(folder)}`);
    }
  }
  const paths: ZodOpenApiPathsObject = {};
  for (const { spec } of endpoints()) {
    const item = (paths[spec.path] ??= {});
    item[spec.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'] = {
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: [...spec.tags],
      security: security(spec),
      ...(spec.query || spec.params
        ? { requestParams: { ...(spec.query ? { query: spec.query } : {}), ...(spec.params ? { path: spec.params } : {}) } }
        : {}),
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              description: `JSON, at most ${spec.bodyLimit ?? 64 * 1024} bytes`,
              content: { 'application/json': { schema: spec.body } },
            },
          }
        : {}),
      responses: responses(spec),
    };
  }
  return createDocument({
    openapi: '3.1.0',
    info: { title: 'blockops control API', version: '1.0.0', description: DESCRIPTION },
    servers: [{ url: '/', description: 'the console that serves this document (every path starts with /api)' }],
    tags: [
      { name: 'system', description: 'health, status and this document' },
      { name: 'operations', description: 'operations on the four markets: submit and follow' },
      { name: 'accounting', description: 'P&L from our receipts' },
      { name: 'runs', description: 'Temporal runs: list, inspect, start' },
      { name: 'chain', description: "the node's view: gates, markets, network, peers, receipts" },
      { name: 'audit', description: 'who did what' },
      { name: 'alerts', description: 'alerts Alertmanager delivers, and its webhook' },
      { name: 'emergency', description: 'the emergency controller (NORMAL, ALERT, HALT, SHUTDOWN) and the risk limits' },
      { name: 'treasury', description: 'disbursement batches: submit, follow, the executor throttle' },
      { name: 'breakers', description: 'the shared circuit breakers: state, force open, reset' },
    ],
    components: {
      headers: {
        CorrelationId: {
          required: true,
          description:
            'the x-correlation-id sent (at most 128 characters), or a fresh one; runs started by the call carry it in their memo',
          schema: { type: 'string' },
        },
      },
      securitySchemes: {
        bearerKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'the viewer or operator key; the requirement names the role the call needs',
        },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'the same keys in an x-api-key header' },
        // the tokens of callers that are not people (Alertmanager's webhook), as their endpoints declare them
        ...Object.fromEntries(
          endpoints().flatMap(({ spec }) =>
            spec.authorize
              ? [[spec.authorize.scheme.name, { type: 'http', scheme: 'bearer', description: spec.authorize.scheme.description }]]
              : [],
          ),
        ),
      },
    },
    paths,
  });
}
