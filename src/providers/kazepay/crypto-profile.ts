// The choices behind KazePay's "digital envelope" (spec providers.md §0.2). Only a few facts are
// proven by the seed (2048-bit RSA, hex `sign`/`keyEnc`, base64 `body.encrypt`, a 16-byte block
// cipher with PKCS#7 padding and no IV). Everything else is UNCONFIRMED: each choice is a knob of
// this one object with the spec's default, so a real sandbox sample changes the profile, not the code.

export type SessionKeyBytes = 16 | 24 | 32;
export type CipherMode = 'ecb' | 'cbc-zero-iv';
export type SignedContent = 'business-json' | 'head-and-business-json';
export type SignatureHash = 'sha256' | 'sha1';
export type BinaryEncoding = 'hex' | 'base64';
export type KeyPadding = 'pkcs1' | 'oaep-sha1' | 'oaep-sha256';
export type SessionKeyForm = 'raw' | 'base64' | 'hex';

export interface CryptoProfile {
  /** UNCONFIRMED: AES key size of the per-message session key (default 16 = AES-128). */
  sessionKeyBytes: SessionKeyBytes;
  /**
   * DEDUCED: ECB (no IV travels with the ciphertext). `cbc-zero-iv` is the other reading of the
   * seed's evidence (CBC with a fixed all-zero IV).
   */
  cipherMode: CipherMode;
  /**
   * UNCONFIRMED: what `sign` covers. `business-json` (default): the decrypted business JSON bytes.
   * `head-and-business-json`: `apiCode|sysId|requestNo|version|` followed by those bytes.
   */
  signedContent: SignedContent;
  /** UNCONFIRMED: RSASSA-PKCS1-v1_5 hash (default SHA-256, Java `SHA256withRSA`). */
  signatureHash: SignatureHash;
  /** CONFIRMED by the seed's fileUpload example: lowercase hex. */
  signatureEncoding: BinaryEncoding;
  /** CONFIRMED by the seed's fileUpload example: lowercase hex. */
  keyEncEncoding: BinaryEncoding;
  /** CONFIRMED by the seed's fileUpload example: standard base64. */
  ciphertextEncoding: BinaryEncoding;
  /**
   * UNCONFIRMED: RSA padding of `keyEnc`. The seed shows only its size (256 bytes, which every
   * padding gives with a 2048-bit key). Default PKCS#1 v1.5 (Java `RSA/ECB/PKCS1Padding`).
   */
  keyPadding: KeyPadding;
  /**
   * UNCONFIRMED: what `keyEnc` wraps: the session key's raw bytes (default), or its base64 or hex
   * text (as Java code that wraps `Base64.encode(key.getEncoded())` does).
   */
  sessionKeyForm: SessionKeyForm;
}

export const DEFAULT_CRYPTO_PROFILE: Readonly<CryptoProfile> = Object.freeze({
  sessionKeyBytes: 16,
  cipherMode: 'ecb',
  signedContent: 'business-json',
  signatureHash: 'sha256',
  signatureEncoding: 'hex',
  keyEncEncoding: 'hex',
  ciphertextEncoding: 'base64',
  keyPadding: 'pkcs1',
  sessionKeyForm: 'raw',
});

export function cryptoProfile(overrides: Partial<CryptoProfile> = {}): CryptoProfile {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_CRYPTO_PROFILE, ...defined };
}

/** The node:crypto cipher name for a profile. */
export function cipherName(profile: CryptoProfile): string {
  const bits = profile.sessionKeyBytes * 8;
  return profile.cipherMode === 'ecb' ? `aes-${bits}-ecb` : `aes-${bits}-cbc`;
}

export function cipherIv(profile: CryptoProfile): Buffer | null {
  return profile.cipherMode === 'ecb' ? null : Buffer.alloc(16);
}

export function encodeBinary(bytes: Buffer, encoding: BinaryEncoding): string {
  return bytes.toString(encoding);
}

/** Strict decoding: text that is not valid in the encoding is refused rather than half-read. */
export function decodeBinary(text: string, encoding: BinaryEncoding): Buffer | undefined {
  if (encoding === 'hex') {
    if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
    return Buffer.from(text, 'hex');
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  return Buffer.from(text, 'base64');
}

/** The bytes `keyEnc` wraps for a session key. */
export function sessionKeyMaterial(key: Buffer, form: SessionKeyForm): Buffer {
  return form === 'raw' ? key : Buffer.from(key.toString(form), 'latin1');
}

/** How many bytes the wrapped material of a `keyBytes` session key has. */
export function sessionKeyMaterialLength(keyBytes: number, form: SessionKeyForm): number {
  if (form === 'raw') return keyBytes;
  return form === 'hex' ? keyBytes * 2 : Math.ceil(keyBytes / 3) * 4;
}

/** The session key from unwrapped material, or undefined when it is not in the form. */
export function sessionKeyFromMaterial(material: Buffer, form: SessionKeyForm): Buffer | undefined {
  return form === 'raw' ? material : decodeBinary(material.toString('latin1'), form);
}
