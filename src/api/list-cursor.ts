// The `cursor` of GET /flows: the visibility store's page token with a tag the API checks before
// the token reaches Temporal. Without it a cursor that is not one (mistyped, cut short, from
// another listing) went to the server, which answers UNKNOWN for a token its decoder cannot read;
// the SDK retries UNKNOWN, so the caller waited about 20 s (and the server took ten failing
// queries) for a 400. The tag is an HMAC under a key derived from the codec keyring, so every API
// replica of a deployment accepts the others' cursors and nobody can make one the API did not;
// tried under every key of the ring, so a cursor outlives a key rotation. Without a keyring (a
// test API, the dev stack without a codec) it is a plain digest: it still stops what is not a
// cursor, not a forged one.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { CodecKeyring } from '../security/codec-keys';
import { derivedKeys } from '../security/derived-keys';

const TAG_BYTES = 12;
/** Domain separation: the cursor key is never the codec key itself. */
const CURSOR_KEY_INFO = 'cardflow list cursor v1';

function tags(token: Uint8Array, keyring: CodecKeyring | undefined): Buffer[] {
  if (!keyring) return [createHash('sha256').update(token).digest().subarray(0, TAG_BYTES)];
  return derivedKeys(keyring, CURSOR_KEY_INFO).map((key) =>
    createHmac('sha256', key).update(token).digest().subarray(0, TAG_BYTES),
  );
}

/** The `nextCursor` for a page token: base64url of the tag (current key) and the token. */
export function encodeCursor(token: Uint8Array, keyring: CodecKeyring | undefined): string {
  return Buffer.concat([tags(token, keyring)[0] as Buffer, token]).toString('base64url');
}

/** The page token a cursor carries, or undefined when the API did not make it. */
export function decodeCursor(cursor: string, keyring: CodecKeyring | undefined): Uint8Array | undefined {
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length <= TAG_BYTES) return undefined;
  const tag = raw.subarray(0, TAG_BYTES);
  const token = raw.subarray(TAG_BYTES);
  return tags(token, keyring).some((expected) => timingSafeEqual(expected, tag)) ? token : undefined;
}
