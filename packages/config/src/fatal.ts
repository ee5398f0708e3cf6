import { ConfigError } from './load';

/**
 * Process entry guard: a ConfigError ends the process with its message (one line for one problem)
 * and exit code 1, never a stack trace; so does any error marked `startupRefusal` (a deliberate
 * refusal whose message says what to do, e.g. accounting state of another chain). Anything else
 * is logged in full (it is a bug).
 */
export function exitOnStartupError(name: string) {
  return (err: unknown) => {
    if (err instanceof ConfigError && err.problems.length === 1) {
      const [p] = err.problems;
      process.stderr.write(`${name}: Invalid configuration: ${p!.variable}: ${p!.message}\n`);
    } else if (err instanceof ConfigError || (err as { startupRefusal?: unknown } | undefined)?.startupRefusal === true) {
      process.stderr.write(`${name}: ${(err as Error).message}\n`);
    } else {
      process.stderr.write(`${name}: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
    }
    process.exit(1);
  };
}
