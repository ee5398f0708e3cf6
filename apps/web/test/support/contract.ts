/**
 * The API contract as tests see it: the live OpenAPI document, every route file under
 * apps/web/app/api, and a validator (Ajv, JSON Schema 2020-12 — OpenAPI 3.1's dialect — with
 * ajv-formats) that checks a live answer against the document's schema for its path, method and
 * status.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type Method = (typeof METHODS)[number];

export interface OpenApiOperation {
  operationId: string;
  security: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; schema: Record<string, unknown> }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
}
export interface OpenApiDocument {
  openapi: string;
  servers: unknown[];
  paths: Record<string, Partial<Record<Lowercase<Method>, OpenApiOperation>>>;
  components: Record<string, Record<string, unknown>>;
}

const apiDir = path.resolve(__dirname, '../../app/api');

/** Every route file under app/api as its OpenAPI path (`runs/[workflowId]` → `/api/runs/{workflowId}`); catch-alls apart. */
export function routeFiles(): { file: string; path: string; catchAll: boolean }[] {
  const out: { file: string; path: string; catchAll: boolean }[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/^route\.(ts|tsx|js)$/.test(e.name)) {
        const folder = path.relative(apiDir, dir).split(path.sep).join('/');
        out.push({
          file: path.relative(path.resolve(apiDir, '../..'), full),
          path: `/api/${folder.replace(/\[(\w+)\]/g, '{$1}')}`,
          catchAll: folder.split('/').some((s) => s.startsWith('[...')),
        });
      }
    }
  };
  walk(apiDir);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Validates the document itself against the OpenAPI 3.1 schema (the validator is ESM-only: its CLI runs in a child). */
export function validateDocument(doc: unknown): { valid: boolean; errors?: unknown } {
  const file = path.join(os.tmpdir(), `openapi-${process.pid}-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(doc));
  const cli = require.resolve('@seriousme/openapi-schema-validator/bin/validate-api-cli.js');
  try {
    return JSON.parse(execFileSync(process.execPath, [cli, file], { encoding: 'utf8' })) as { valid: boolean };
  } catch (err) {
    const out = (err as { stdout?: string }).stdout ?? '';
    return out ? (JSON.parse(out) as { valid: boolean; errors: unknown }) : { valid: false, errors: (err as Error).message };
  }
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

export class Contract {
  private readonly ajv: Ajv2020;
  private readonly templates: { template: string; re: RegExp }[];

  constructor(readonly doc: OpenApiDocument) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema(doc as object, 'openapi.json');
    // literal paths first, as Next routes them: /api/emergency/limits is not /api/emergency/{action}
    const params = (t: string) => (t.match(/\{\w+\}/g) ?? []).length;
    this.templates = Object.keys(doc.paths)
      .sort((a, b) => params(a) - params(b))
      .map((template) => ({
        template,
        re: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`),
      }));
  }

  /** The document's path template a concrete path falls under. */
  templateOf(p: string): string | undefined {
    const pathname = p.split('?')[0]!;
    return this.templates.find((t) => t.re.test(pathname))?.template;
  }

  operation(template: string, method: Method): OpenApiOperation | undefined {
    return this.doc.paths[template]?.[method.toLowerCase() as Lowercase<Method>];
  }

  /** Every documented operation as [template, method]. */
  operations(): [string, Method][] {
    return Object.entries(this.doc.paths).flatMap(([t, item]) =>
      METHODS.filter((m) => item[m.toLowerCase() as Lowercase<Method>]).map((m): [string, Method] => [t, m]),
    );
  }

  /** Problems of a live answer against the document: undocumented path/method/status, missing headers, schema errors. */
  problems(method: Method, p: string, status: number, body: unknown, headers: Headers): string[] {
    const template = this.templateOf(p);
    if (!template) return [`${p}: no such path in the document`];
    const op = this.operation(template, method);
    if (!op) return [`${method} ${template}: not in the document`];
    const response = op.responses[String(status)];
    if (!response)
      return [`${method} ${template}: status ${status} is not documented (documented: ${Object.keys(op.responses).join(', ')})`];
    const out: string[] = [];
    for (const [name, h] of Object.entries(response.headers ?? {})) {
      const ref = (h as { $ref?: string }).$ref;
      const header = (ref ? this.doc.components.headers?.[ref.split('/').pop()!] : h) as { required?: boolean };
      if (header?.required && !headers.has(name)) out.push(`${method} ${template} ${status}: header ${name} missing`);
    }
    if (!(headers.get('content-type') ?? '').startsWith('application/json'))
      out.push(`${method} ${template} ${status}: content-type ${headers.get('content-type')}`);
    const validate = this.ajv.getSchema(
      `openapi.json#/${pointer('paths', template, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`,
    );
    if (!validate) return [...out, `${method} ${template} ${status}: no JSON schema`];
    if (!validate(body)) {
      out.push(
        ...(validate.errors ?? []).map(
          (e) => `${method} ${template} ${status}: ${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`,
        ),
      );
    }
    return out;
  }
}
