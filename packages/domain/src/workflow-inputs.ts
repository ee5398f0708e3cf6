import { z } from 'zod';

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
