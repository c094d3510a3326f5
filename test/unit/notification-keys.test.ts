// The NotificationKey a flow starts with (src/client/notification-keys.ts): the KazePay email only
// as a keyed digest, found again after a key rotation; the WasabiCard holder order key and the
// issuance's open-card order key as they are.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { NotificationKey, providerOrderKey } from '../../src/contract';
import {
  kazepayEmailNotificationKeys,
  notificationKeyAtStart,
  RoutingKeyringMissingError,
  wasabiHolderNotificationKey,
  wasabiOrderNotificationKey,
} from '../../src/client/notification-keys';
import { listQuery } from '../../src/client/listing';
import { createKeyring } from '../../src/security/codec-keys';

const key = (id: string) => ({ id, key: randomBytes(32) });
const kazepayKyc = (email: string) => ({ provider: 'kazepay', customerRef: 'c1', applicant: { email } });

test('a KazePay KYC carries an HMAC of its normalised email under the current key, never the email', () => {
  const old = key('k1');
  const current = key('k2');
  const ring = createKeyring([old, current], 'k2');
  const value = notificationKeyAtStart(
    'kycVerification',
    'kyc:kazepay:c1',
    kazepayKyc(' Ada@Example.com '),
    ring,
  );
  assert.match(value ?? '', /^kazepay-email:[0-9a-f]{64}$/);
  // Not 'ada': a random key's hex digest can hold those letters (this test once failed on one).
  assert.ok(!/example|@/i.test(value ?? ''), value);
  assert.equal(
    value,
    kazepayEmailNotificationKeys(ring, 'ada@example.com')[0],
    'case and spaces do not matter',
  );

  // After a rotation (k3 current), a lookup still tries the key the flow was started under.
  const rotated = createKeyring([old, current, key('k3')], 'k3');
  const lookups = kazepayEmailNotificationKeys(rotated, 'ada@example.com');
  assert.equal(lookups.length, 3);
  assert.ok(lookups.includes(value as string));
  assert.notEqual(lookups[0], value, 'new flows use the new key');

  // Another ring (another deployment, or a guess without the keys) gives another digest.
  assert.notEqual(
    kazepayEmailNotificationKeys(createKeyring([key('k2')], 'k2'), 'ada@example.com')[0],
    value,
  );
});

test('a KazePay KYC without routing keys is refused rather than started unreachable', () => {
  assert.throws(
    () => notificationKeyAtStart('kycVerification', 'kyc:kazepay:c1', kazepayKyc('a@b.co'), undefined),
    RoutingKeyringMissingError,
  );
});

test("a WasabiCard issuance carries its open-card order's merchantOrderNo: an opaque digest of its id", () => {
  const id = 'issuance:wasabi:c1:r1';
  const value = notificationKeyAtStart('virtualCardIssuance', id, { provider: 'wasabi' }, undefined);
  assert.equal(value, wasabiOrderNotificationKey(providerOrderKey(id, 'open')));
  assert.match(value ?? '', /^wasabi-order:cf[0-9a-f]{30}$/);
});

test("a WasabiCard KYC carries its holder's merchantOrderNo; other flows carry none", () => {
  const id = 'kyc:wasabi:c1';
  assert.equal(
    notificationKeyAtStart('kycVerification', id, { provider: 'wasabi' }, undefined),
    wasabiHolderNotificationKey(providerOrderKey(id, 'holder')),
  );
  assert.equal(
    notificationKeyAtStart('cardDeposit', 'deposit:wasabi:c:d', { provider: 'wasabi' }, undefined),
    undefined,
  );
});

test('the list query selects by notification keys and no value can break out of its quotes', () => {
  const query = listQuery({
    flow: 'kycVerification',
    notificationKeys: ['wasabi-holder:cfabc', "x' OR 'a'='a"],
  });
  assert.match(
    query,
    new RegExp(
      `\\(${NotificationKey.name} = 'wasabi-holder:cfabc' OR ${NotificationKey.name} = 'x OR a=a'\\)`,
    ),
  );
  assert.match(query, /^CardFlow = 'kycVerification' AND /);
});

test('the list query selects flows without a CardRef (KazePay activations still assigning)', () => {
  assert.match(
    listQuery({ flow: 'physicalCardActivation', provider: 'kazepay', hasCardRef: false, running: true }),
    /CardRef IS NULL AND ExecutionStatus = 'Running'/,
  );
  assert.match(listQuery({ hasCardRef: true }), /^CardRef IS NOT NULL AND /);
});
