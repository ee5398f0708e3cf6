import { classifyRpcCode } from '../src/errors';

test.each([
  [-32000, 'transient'],
  [-32050, 'transient'],
  [-32602, 'cancelled'],
  [-33001, 'cancelled'],
  [-33004, 'cancelled'],
  [-32601, 'storage'],
  [-32700, 'storage'],
  [-32600, 'storage'],
  [-34001, 'storage'],
])('JSON-RPC code %i is %s', (code, cls) => {
  expect(classifyRpcCode(code)).toBe(cls);
});
