/**
 * Loading redis puts String.prototype into V8's dictionary mode on Node 20, slowing every string
 * builtin of the process; loading it through this package leaves String.prototype fast again.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const probe = (what: 'redis' | 'events') =>
  JSON.parse(
    execFileSync(
      process.execPath,
      ['--allow-natives-syntax', '--import', 'tsx', path.join(__dirname, 'support/string-mode-probe.ts'), what],
      {
        encoding: 'utf8',
      },
    ),
  ) as { fast: boolean };

test('redis loaded through @blockops/events leaves String.prototype in fast mode', () => {
  expect(probe('events').fast).toBe(true);
});

test('redis alone leaves it slow on this V8: the reason string-fast-mode.ts exists', () => {
  // should this fail after a Node upgrade, V8 no longer needs the workaround: remove it
  expect(probe('redis').fast).toBe(false);
});
