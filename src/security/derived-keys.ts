// Keys for purposes other than payload encryption (notification routing digests, list cursors),
// derived (HKDF) from the codec keyring: no new secret to configure, and never the codec key
// itself. One per codec key, the current key's first: new values use it, checks try them all, so
// what was made before a key rotation is still recognised.
import { hkdfSync } from 'node:crypto';
import type { CodecKeyring } from './codec-keys';

/** The key derived for `purpose` from each codec key, the current one first. */
export function derivedKeys(keyring: CodecKeyring, purpose: string): Buffer[] {
  const ids = [keyring.currentKeyId, ...[...keyring.keys.keys()].filter((id) => id !== keyring.currentKeyId)];
  return ids.map((id) =>
    Buffer.from(hkdfSync('sha256', keyring.keys.get(id) as Buffer, Buffer.alloc(0), purpose, 32)),
  );
}
