/**
 * What the workflow bundle carries. The worker evaluates the bundle's modules again for every new
 * workflow (each gets its own module instances), so a library imported by workflow code costs each
 * start: zod's schemas cost 10–15 ms of each disburse start on the bench machine. Workflow code
 * imports @blockops/domain's zod-free modules only (ids, vocabularies, money arithmetic).
 */
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { workflowInterceptorModules, workflowsPath } from '../src/public';

test('the workflow bundle holds no zod and only zod-free @blockops/domain modules', async () => {
  const { code } = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger: new DefaultLogger('WARN') });
  const modules = new Set([...code.matchAll(/"(\.\/[^"]+\.(?:js|cjs|mjs|ts))"/g)].map((m) => m[1]!));
  const domain = [...modules].filter((m) => m.startsWith('./packages/domain/'));
  // the bundle is read as expected: the workflows and the domain modules they use are in it
  expect([...modules].some((m) => m.startsWith('./workflows/src/disburse'))).toBe(true);
  expect(domain).toEqual(expect.arrayContaining(['./packages/domain/src/treasury/statuses.ts', './packages/domain/src/workflow-ids.ts']));
  expect([...modules].filter((m) => m.includes('node_modules/zod/'))).toEqual([]);
  expect(domain.filter((m) => /schemas|workflow-inputs/.test(m))).toEqual([]);
}, 60_000);
