// The chaos suite's canary scanner: it must find a secret in an unencrypted payload, and must not
// mistake a number that merely contains a canary's digits (a local activity marker's timestamps)
// for a leak.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CanarySet } from '../../../tools/chaos/canaries';

const b64 = (text: string) => Buffer.from(text).toString('base64');

function canaries() {
  const set = new CanarySet();
  set.text('passport number', 'A1234567X');
  set.digits('activation code', '38104729');
  return set;
}

test('a digit canary in an unencrypted payload is found, whatever its offset in the payload', () => {
  for (const prefix of ['', 'x', 'xy']) {
    const payload = b64(`{"code":"${prefix} 38104729"}`);
    assert.deepEqual(canaries().scanStored(`{"data":"${payload}"}`), ['activation code (base64)']);
  }
});

test("a digit canary's digits inside a longer number are not a leak (plain or in base64)", () => {
  const marker = `{"seq":4,"complete_time":{"seconds":1795305795,"nanos":938104729012}}`;
  assert.deepEqual(canaries().scanStored(marker), []);
  assert.deepEqual(canaries().scanStored(`{"data":"${b64(marker)}"}`), []);
  // The same marker at the other two byte alignments.
  assert.deepEqual(canaries().scanStored(`{"data":"${b64(`.${marker}`)}"}`), []);
  assert.deepEqual(canaries().scanStored(`{"data":"${b64(`..${marker}`)}"}`), []);
});

test('a text canary is found plain, in a payload, and inside a longer base64 run at any alignment', () => {
  assert.deepEqual(canaries().scanStored('name A1234567X here'), ['passport number']);
  assert.deepEqual(canaries().scanStored(b64('{"passport":"A1234567X"}')), ['passport number (base64)']);
  for (const prefix of ['1', '12', '123']) {
    const run = b64(`${prefix}A1234567X and more`);
    assert.ok(canaries().scanStored(`"${run}"`).includes('passport number (base64)'), prefix);
  }
});

test('ciphertext is not a leak', () => {
  const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)).toString('base64');
  assert.deepEqual(canaries().scanStored(`{"data":"${random}"}`), []);
});
