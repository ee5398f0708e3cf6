/**
 * Run by string-fast-mode.test.ts as `node --allow-natives-syntax --import tsx <this> <what>`:
 * loads redis alone or through this package, then prints whether String.prototype has fast
 * properties (V8's own answer, not a timing).
 */
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;

async function main() {
  if (process.argv[2] === 'redis') await import('redis');
  else await import('../../src/redis');
  process.stdout.write(JSON.stringify({ fast: hasFastProperties(String.prototype) }));
}
void main();
