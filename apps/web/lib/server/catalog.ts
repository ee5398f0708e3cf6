import { z } from 'zod';
import { networkCheckInputSchema, noopInputSchema } from '@blockops/domain';

/** Workflows an operator can start from the console or `POST /api/runs`. */
export const catalog = {
  networkCheck: {
    title: 'Network check',
    description: 'Reads the chain head and network stats from the node and scores network health.',
    input: networkCheckInputSchema,
    idPrefix: 'network-check',
  },
  noop: {
    title: 'No-op',
    description: 'Does nothing; the baseline for benchmarks and a quick end-to-end probe.',
    input: noopInputSchema,
    idPrefix: 'noop',
  },
} as const;

export type WorkflowName = keyof typeof catalog;

export function isWorkflowName(name: unknown): name is WorkflowName {
  return typeof name === 'string' && Object.hasOwn(catalog, name);
}

/** The catalogue as JSON: input schemas as JSON Schema, for generated start forms. */
export function describeCatalog() {
  return Object.entries(catalog).map(([name, w]) => ({
    name,
    title: w.title,
    description: w.description,
    inputSchema: z.toJSONSchema(w.input, { io: 'input' }),
  }));
}
