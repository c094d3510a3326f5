// WasabiCard's only signature scheme: RSASSA-PKCS1-v1_5 with SHA-256 ("SHA256withRSA") over the
// exact bytes that travel, standard base64 with padding. Requests are signed with the merchant
// private key; responses and webhooks are signed with the platform key (`wsb-public-key`).
// Nothing else is signed (no path, timestamp or api key), so the bytes signed must be the bytes sent.
import { createSign, createVerify, type KeyObject } from 'node:crypto';
import { loadPrivateKey, loadPublicKey } from '../keys';

export const WASABI_SIGNATURE_HEADER = 'X-WSB-SIGNATURE';
export const WASABI_API_KEY_HEADER = 'X-WSB-API-KEY';
export const WASABI_REQUEST_ID_HEADER = 'X-WSB-REQUEST-ID';
export const WASABI_CATEGORY_HEADER = 'X-WSB-CATEGORY';

/** The body signed (and sent) for operations without parameters and for multipart uploads. */
export const EMPTY_BODY = '{}';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function signWasabi(body: string | Uint8Array, privateKey: KeyObject | string): string {
  const key = typeof privateKey === 'string' ? loadPrivateKey(privateKey) : privateKey;
  return createSign('RSA-SHA256').update(body).sign(key, 'base64');
}

/**
 * True when `signature` (base64) is the platform's signature over exactly `body`. A malformed
 * header is simply not a valid signature: this never throws on attacker-controlled input.
 */
export function verifyWasabi(
  body: string | Uint8Array,
  signature: string | undefined | null,
  publicKey: KeyObject | string,
): boolean {
  if (!signature) return false;
  const compact = signature.trim();
  if (!BASE64.test(compact)) return false;
  const key = typeof publicKey === 'string' ? loadPublicKey(publicKey) : publicKey;
  try {
    return createVerify('RSA-SHA256').update(body).verify(key, Buffer.from(compact, 'base64'));
  } catch {
    return false;
  }
}
