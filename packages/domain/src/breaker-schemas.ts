/** A breaker's name as the API takes it (zod; apart from breaker.ts, which workflow code imports). */
import { z } from 'zod';

export const breakerNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1–64 of a-z, 0-9, "_" and "-", starting with a letter or digit');
