// The WasabiCard sandbox's own signature code (spec providers.md §1.1), apart from the client's
// src/providers/wasabi/signature.ts and checked on its own against openssl
// (test/unit/sandbox-wasabi/signature-openssl.test.ts): SHA256withRSA (RSASSA-PKCS1-v1_5,
// SHA-256) over the exact bytes that travel, standard base64 with `=` padding and no line breaks,
// in the X-WSB-SIGNATURE header. Requests are verified with the merchant public key; answers and
// webhooks are signed with the platform private key. Nothing else is signed.
import { createSign, createVerify, type KeyObject } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-WSB-SIGNATURE';
export const API_KEY_HEADER = 'X-WSB-API-KEY';
export const REQUEST_ID_HEADER = 'X-WSB-REQUEST-ID';
export const CATEGORY_HEADER = 'X-WSB-CATEGORY';

/** What is signed for a request without parameters and for a multipart upload (spec §1.1). */
export const SIGNED_WHEN_EMPTY = '{}';

const PADDED_BASE64 =
  /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$|^(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)$/;

export function platformSignature(bytes: string | Uint8Array, platformPrivateKey: KeyObject): string {
  return createSign('sha256').update(bytes).sign(platformPrivateKey).toString('base64');
}

/** Whether `header` is the merchant's signature over exactly `bytes`; never throws on bad input. */
export function merchantSignatureValid(
  bytes: string | Uint8Array,
  header: string | undefined,
  merchantPublicKey: KeyObject,
): boolean {
  if (header === undefined || !PADDED_BASE64.test(header)) return false;
  try {
    return createVerify('sha256').update(bytes).verify(merchantPublicKey, Buffer.from(header, 'base64'));
  } catch {
    return false;
  }
}
