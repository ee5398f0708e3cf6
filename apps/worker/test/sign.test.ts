/** The intent signature: a SHA-256 digest of the signed fields, the same bytes whatever computes it. */
import { createHash } from 'node:crypto';
import { signIntent } from '../src/activities/treasury/sign';

const intent = {
  disbursement_id: 'd-1',
  executor: 'ex-7',
  nonce: 42,
  destination: '0xabcdef01',
  amount: 1_500_000n,
  memo: 'line one\nünïcödé 💸',
};

test('the signature is the SHA-256 hex digest of executor, nonce, id, destination, amount and memo, a line each', () => {
  const expected = createHash('sha256').update('ex-7\n42\nd-1\n0xabcdef01\n1.5\nline one\nünïcödé 💸').digest('hex');
  expect(signIntent(intent)).toBe(expected);
  // no memo signs an empty last line; any signed field changes the digest
  const { memo: _memo, ...bare } = intent;
  expect(signIntent(bare)).toBe(createHash('sha256').update('ex-7\n42\nd-1\n0xabcdef01\n1.5\n').digest('hex'));
  expect(signIntent({ ...intent, nonce: 43 })).not.toBe(expected);
  expect(signIntent({ ...intent, amount: 1_500_001n })).not.toBe(expected);
});
