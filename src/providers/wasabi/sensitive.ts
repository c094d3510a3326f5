// Sensitive card data (cardNumber, cvv, expireDate / validPeriod, activateUrl, 3DS `values`) comes
// back RSA-encrypted to the merchant public key with PKCS#1 v1.5 padding, base64 encoded. Values
// longer than one RSA block are encrypted Java-style, block by block, and the ciphertext blocks
// concatenated, so decryption walks the ciphertext in modulus-sized chunks. Block sizes follow the
// key: nothing here assumes 1024 or 2048 bits.
import { constants, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import { loadPrivateKey, loadPublicKey, rsaModulusBytes } from '../keys';

export class SensitiveDecryptionError extends Error {
  override name = 'SensitiveDecryptionError';
}

/** PKCS#1 v1.5 costs 11 bytes of padding per block. */
const PKCS1_OVERHEAD = 11;

function ciphertextBytes(value: string): Buffer {
  let text = value.trim();
  // UNCONFIRMED: one public client URL-decodes values containing '%' before base64-decoding
  // (a transport that URL-encoded '+', '/' and '='). Harmless for plain base64, which never has '%'.
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      throw new SensitiveDecryptionError('value is neither base64 nor URL-encoded base64');
    }
  }
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw new SensitiveDecryptionError('value is not base64');
  return Buffer.from(compact, 'base64');
}

/**
 * Decrypts one sensitive value with the merchant private key. Throws SensitiveDecryptionError
 * (never revealing the value) when it is not base64, not a whole number of blocks, or not
 * decryptable with this key.
 */
export function decryptSensitive(value: string, merchantPrivateKey: KeyObject | string): string {
  const key =
    typeof merchantPrivateKey === 'string' ? loadPrivateKey(merchantPrivateKey) : merchantPrivateKey;
  const block = rsaModulusBytes(key);
  const bytes = ciphertextBytes(value);
  if (bytes.length === 0 || bytes.length % block !== 0) {
    throw new SensitiveDecryptionError(
      `ciphertext of ${bytes.length} bytes is not a whole number of ${block}-byte RSA blocks`,
    );
  }
  const parts: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += block) {
    parts.push(unpadPkcs1Type2(rawRsaDecrypt(key, bytes.subarray(offset, offset + block))));
  }
  return Buffer.concat(parts).toString('utf8');
}

// Node 20.11+ refuses RSA_PKCS1_PADDING in privateDecrypt (CVE-2023-46809, the Marvin timing
// attack on servers that decrypt attacker-chosen ciphertexts). The provider's format is PKCS#1
// v1.5 all the same, so the raw RSA operation is done with RSA_NO_PADDING and the v1.5 block
// (00 02 <at least 8 non-zero bytes> 00 <message>) is checked here. This client only decrypts
// values from signature-verified responses, which an attacker cannot choose.
function rawRsaDecrypt(key: KeyObject, block: Buffer): Buffer {
  try {
    return privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, block);
  } catch {
    throw new SensitiveDecryptionError('value does not decrypt with the merchant private key');
  }
}

function unpadPkcs1Type2(em: Buffer): Buffer {
  const separator = em.indexOf(0, 2);
  if (em[0] !== 0 || em[1] !== 2 || separator < 10) {
    throw new SensitiveDecryptionError('value does not decrypt with the merchant private key');
  }
  return em.subarray(separator + 1);
}

/**
 * The provider's side: encrypts to the merchant public key in blocks of (modulus - 11) bytes.
 * Used by the sandbox and by tests.
 */
export function encryptSensitive(plaintext: string, merchantPublicKey: KeyObject | string): string {
  const key = typeof merchantPublicKey === 'string' ? loadPublicKey(merchantPublicKey) : merchantPublicKey;
  const chunk = rsaModulusBytes(key) - PKCS1_OVERHEAD;
  const bytes = Buffer.from(plaintext, 'utf8');
  const parts: Buffer[] = [];
  for (let offset = 0; offset < bytes.length || offset === 0; offset += chunk) {
    parts.push(
      publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, bytes.subarray(offset, offset + chunk)),
    );
  }
  return Buffer.concat(parts).toString('base64');
}
