/**
 * Amount schemas for API and workflow inputs (zod). Apart from money.ts so that code importing only
 * amounts and their formatting (workflow code among it) does not evaluate zod.
 */
import { z } from 'zod';
import { MONEY_DECIMALS, amountProblem, parseAmount } from './money';

/** A positive decimal amount at the API ("12.34"), validated, kept as its string. */
export const positiveAmountSchema = z.string().superRefine((s, ctx) => {
  const problem = amountProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
  else if (parseAmount(s) <= 0n) ctx.addIssue({ code: 'custom', message: 'must be greater than 0' });
});

/** Any decimal amount in an API answer (may be negative: P&L, balances). */
export const decimalAmountSchema = z
  .string()
  .regex(new RegExp(`^-?\\d+(\\.\\d{1,${MONEY_DECIMALS}})?$`), `must be a decimal string with at most ${MONEY_DECIMALS} decimals`)
  .describe(`exact decimal amount, at most ${MONEY_DECIMALS} decimals`);
