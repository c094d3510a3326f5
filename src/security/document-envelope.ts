// Envelope encryption of identity documents: each document gets a fresh data key (AES-256-GCM)
// that encrypts it; the data key is wrapped (AES-256-GCM again) with the payload keyring's
// current key, whose id is stored beside the ciphertext. Rotating the keyring therefore leaves
// every stored document readable while its key stays in the ring; a document whose key was
// retired is refused by name, never decrypted with a guess.
//
// The document id is bound to both layers as additional data: a ciphertext moved to another id
// does not open. Errors name ids only: never bytes, never key material.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { CodecKeyring } from './codec-keys';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;
/** version | wrap iv | wrap tag | wrapped data key | data iv | data tag | ciphertext */
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES + DATA_KEY_BYTES + IV_BYTES + TAG_BYTES;

export interface SealedDocument {
  /** The keyring key that wraps the data key (stored in clear beside the ciphertext). */
  keyId: string;
  sealed: Buffer;
}

export class DocumentKeyRetiredError extends Error {
  override name = 'DocumentKeyRetiredError';
}

export class DocumentSealBrokenError extends Error {
  override name = 'DocumentSealBrokenError';
}

function gcm(key: Buffer, iv: Buffer, aad: Buffer, plaintext: Buffer): { tag: Buffer; ciphertext: Buffer } {
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { tag: cipher.getAuthTag(), ciphertext };
}

function ungcm(key: Buffer, iv: Buffer, tag: Buffer, aad: Buffer, ciphertext: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv).setAAD(aad).setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** Encrypts `plaintext` for the document `id` under a fresh data key wrapped with the current key. */
export function sealDocument(keyring: CodecKeyring, id: string, plaintext: Buffer): SealedDocument {
  const keyId = keyring.currentKeyId;
  const masterKey = keyring.keys.get(keyId) as Buffer;
  const aad = Buffer.from(`cardflow-document:v${VERSION}:${id}:${keyId}`);
  const dataKey = randomBytes(DATA_KEY_BYTES);
  try {
    const wrapIv = randomBytes(IV_BYTES);
    const wrapped = gcm(masterKey, wrapIv, aad, dataKey);
    const dataIv = randomBytes(IV_BYTES);
    const data = gcm(dataKey, dataIv, aad, plaintext);
    return {
      keyId,
      sealed: Buffer.concat([
        Buffer.of(VERSION),
        wrapIv,
        wrapped.tag,
        wrapped.ciphertext,
        dataIv,
        data.tag,
        data.ciphertext,
      ]),
    };
  } finally {
    dataKey.fill(0);
  }
}

/** The plaintext of a sealed document; refuses a retired key or a damaged or moved ciphertext. */
export function openDocument(keyring: CodecKeyring, id: string, { keyId, sealed }: SealedDocument): Buffer {
  const masterKey = keyring.keys.get(keyId);
  if (!masterKey)
    throw new DocumentKeyRetiredError(
      `document ${id} is encrypted under key "${keyId}", which is no longer in the keyring (CARDFLOW_CODEC_KEYS): keep a retired key until the documents it sealed are deleted (CARDFLOW_DOCUMENT_RETENTION)`,
    );
  if (sealed.length < HEADER_BYTES || sealed[0] !== VERSION)
    throw new DocumentSealBrokenError(`document ${id}: not a sealed document (version or length)`);
  const aad = Buffer.from(`cardflow-document:v${VERSION}:${id}:${keyId}`);
  let offset = 1;
  const take = (n: number) => sealed.subarray(offset, (offset += n));
  const wrapIv = take(IV_BYTES);
  const wrapTag = take(TAG_BYTES);
  const wrappedKey = take(DATA_KEY_BYTES);
  const dataIv = take(IV_BYTES);
  const dataTag = take(TAG_BYTES);
  const ciphertext = sealed.subarray(offset);
  let dataKey: Buffer | undefined;
  try {
    dataKey = ungcm(masterKey, wrapIv, wrapTag, aad, wrappedKey);
    return ungcm(dataKey, dataIv, dataTag, aad, ciphertext);
  } catch {
    throw new DocumentSealBrokenError(
      `document ${id}: the ciphertext does not authenticate under key "${keyId}" (damaged, or stored under another id)`,
    );
  } finally {
    dataKey?.fill(0);
  }
}
