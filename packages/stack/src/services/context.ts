import path from 'node:path';
import { freePort } from '../net';
import type { ManagedProcess } from '../process';
import type { ScrapeTarget } from '@blockops/monitoring';
import type { StackOptions, Stack, ServiceName } from '../stack';

/** What every service starter shares: the options, the environment built so far, and the children started. */
export interface StackContext {
  opts: StackOptions;
  /** the user's environment with the stack's overrides: a value given here is used instead of starting a service */
  userEnv: Record<string, string | undefined>;
  /** what the stack hands to its children and returns (URLs of the services started so far) */
  env: Record<string, string>;
  urls: Stack['urls'];
  /** what `npm start` should tell the user (an optional service missing, a port moved) */
  notes: string[];
  /** every metrics endpoint started so far, for Prometheus (same job names and `service` labels as monitoring/prometheus.yml) */
  scrapeTargets: ScrapeTarget[];
  processes: ManagedProcess[];
  log: (line: string) => void;
}

/** Where a child writes: prefixed to ours, or to <dataDir>/logs/<name>.log. */
export const outputOf = (ctx: StackContext, name: string) =>
  ctx.opts.output === 'files' ? { file: path.join(ctx.opts.dataDir, 'logs', `${name}.log`) } : ('inherit' as const);

/** The environment of a child: the caller's extra env, then what the stack has built. */
export const childEnv = (ctx: StackContext) => ({ ...ctx.opts.env, ...ctx.env });

/** A TypeScript entry point of this repo, run by node with tsx. */
export const tsxCommand = (ctx: StackContext, script: string) => ({
  command: process.execPath,
  args: ['--import', 'tsx', path.join(ctx.opts.root, script)],
});

/** 0 = a free port; undefined = the documented default. */
export const pickPort = async (p: number | undefined, def: number) => (p === 0 ? freePort() : (p ?? def));

/** Asked for by name in `services`: then a missing binary or a failed start is an error, not a note. */
export const explicitly = (ctx: StackContext, s: ServiceName) => Boolean(ctx.opts.services?.includes(s));
