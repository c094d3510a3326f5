// GET /flows cursors (src/api/list-cursor.ts): a cursor the API made comes back as its page token,
// after a key rotation and from another replica; anything else is refused before Temporal sees it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { decodeCursor, encodeCursor } from '../../../src/api/list-cursor';
import { createKeyring } from '../../../src/security/codec-keys';

const key = (id: string) => ({ id, key: randomBytes(32) });
// A SQL visibility store's page token, as the dev server gives it.
const token = Buffer.from(
  '{"CloseTime":"9999-12-31T23:59:59Z","StartTime":"2026-12-06T01:10:56.895796Z","RunID":"01a248e7"}',
);

test('a cursor round-trips to its token, also on another replica and after a key rotation', () => {
  const k1 = key('k1');
  const ring = createKeyring([k1], 'k1');
  const cursor = encodeCursor(token, ring);
  assert.match(cursor, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(Buffer.from(decodeCursor(cursor, ring) ?? []), token);
  // Another replica builds its own keyring from the same keys.
  assert.deepEqual(Buffer.from(decodeCursor(cursor, createKeyring([k1], 'k1')) ?? []), token);
  const rotated = createKeyring([k1, key('k2')], 'k2');
  assert.deepEqual(Buffer.from(decodeCursor(cursor, rotated) ?? []), token);
  assert.notEqual(encodeCursor(token, rotated), cursor, 'new cursors use the new key');
});

test('what the API did not make is refused: a bare token, a changed byte, a cut, another deployment', () => {
  const ring = createKeyring([key('k1')], 'k1');
  const cursor = encodeCursor(token, ring);
  const raw = Buffer.from(cursor, 'base64url');
  const flipped = Buffer.from(raw);
  flipped[raw.length - 1] = (flipped[raw.length - 1] as number) ^ 1;
  for (const bad of [
    token.toString('base64url'),
    flipped.toString('base64url'),
    raw.subarray(0, raw.length - 1).toString('base64url'),
    raw.subarray(0, 12).toString('base64url'),
    '',
    'bm90LWEtdG9rZW4',
  ])
    assert.equal(decodeCursor(bad, ring), undefined, bad);
  assert.equal(decodeCursor(cursor, createKeyring([key('k1')], 'k1')), undefined, 'another key, same id');
  assert.equal(decodeCursor(cursor, undefined), undefined, 'a keyless API does not take a keyed cursor');
});

test('without a keyring a digest still stops what is not a cursor', () => {
  const cursor = encodeCursor(token, undefined);
  assert.deepEqual(Buffer.from(decodeCursor(cursor, undefined) ?? []), token);
  assert.equal(decodeCursor(token.toString('base64url'), undefined), undefined);
});
