// The payload codec: AES-256-GCM over whole payloads. Every payload the SDK sends to Temporal
// (inputs, results, signals, updates, queries, memos, heartbeat details, failure details and,
// with the failure converter of data-converter.ts, failure messages and stack traces) is
// serialized as a Payload proto, encrypted, and replaced by a payload that says only:
//
//   metadata.encoding          = "binary/encrypted"
//   metadata.encryption-key-id = the id of the key that encrypted it (clear text, not secret)
//   data                       = 12-byte random IV || ciphertext || 16-byte GCM tag
//
// The key id and a format label are bound to the ciphertext as additional authenticated data,
// so a payload cannot be re-labelled with another key id. Decoding passes through any payload
// without the encrypted encoding (a flow started by a service without this codec still works).
// This code runs outside the workflow sandbox (client, worker, replayer, codec server).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { CodecKeyring } from './codec-keys';

export const ENCODING_METADATA_KEY = 'encoding';
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA_KEY = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const AAD_LABEL = 'cardflow/payload/aes-256-gcm/v1:';
const utf8 = new TextEncoder();
const ENCRYPTED_ENCODING_BYTES = utf8.encode(ENCRYPTED_ENCODING);

export type PayloadDecryptionFailure = 'unknown-key' | 'tampered' | 'malformed';

/**
 * A payload carries the encrypted encoding but cannot be decrypted. `reason`:
 * `unknown-key` (its key id is not in the keyring: a key was removed too early, or the keyring
 * is not the one that wrote it), `tampered` (authentication failed: the data, the key id or the
 * key is wrong), `malformed` (too short, or the decrypted bytes are not a payload).
 * The message names the key id only.
 */
export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
  constructor(
    readonly reason: PayloadDecryptionFailure,
    readonly keyId: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? Buffer.from(value).toString('utf8') : undefined;
}

/** True when the payload was written by this codec (encrypted encoding). */
export function isEncryptedPayload(payload: Payload): boolean {
  return metadataText(payload, ENCODING_METADATA_KEY) === ENCRYPTED_ENCODING;
}

/** The key id of an encrypted payload, or undefined for any other payload. */
export function payloadKeyId(payload: Payload): string | undefined {
  return isEncryptedPayload(payload) ? metadataText(payload, KEY_ID_METADATA_KEY) : undefined;
}

function aad(keyId: string): Buffer {
  return Buffer.from(AAD_LABEL + keyId, 'utf8');
}

/** Encrypts one payload under the keyring's current key. */
export function encryptPayload(payload: Payload, keyring: CodecKeyring): Payload {
  const keyId = keyring.currentKeyId;
  const key = keyring.keys.get(keyId);
  if (!key) throw new Error(`Codec keyring has no key for its current key id "${keyId}"`);
  const plain = temporal.api.common.v1.Payload.encode(payload).finish();
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(keyId));
  const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return {
    metadata: {
      [ENCODING_METADATA_KEY]: ENCRYPTED_ENCODING_BYTES,
      [KEY_ID_METADATA_KEY]: utf8.encode(keyId),
    },
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** Decrypts one payload written by `encryptPayload`; passes any other payload through unchanged. */
export function decryptPayload(payload: Payload, keyring: CodecKeyring): Payload {
  if (!isEncryptedPayload(payload)) return payload;
  const keyId = metadataText(payload, KEY_ID_METADATA_KEY);
  if (!keyId)
    throw new PayloadDecryptionError(
      'malformed',
      undefined,
      'Encrypted payload carries no encryption key id',
    );
  const key = keyring.keys.get(keyId);
  if (!key)
    throw new PayloadDecryptionError(
      'unknown-key',
      keyId,
      `Encrypted payload uses key id "${keyId}", which is not in the configured codec keyring`,
    );
  const data = payload.data ?? new Uint8Array();
  if (data.byteLength < IV_BYTES + TAG_BYTES)
    throw new PayloadDecryptionError(
      'malformed',
      keyId,
      `Encrypted payload (key id "${keyId}") is too short`,
    );
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const iv = bytes.subarray(0, IV_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const body = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(keyId));
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new PayloadDecryptionError(
      'tampered',
      keyId,
      `Encrypted payload (key id "${keyId}") failed authentication: the data was altered or the key is wrong`,
    );
  }
  try {
    const decoded = temporal.api.common.v1.Payload.decode(plain);
    return { metadata: decoded.metadata ?? {}, data: decoded.data ?? new Uint8Array() } as Payload;
  } catch {
    throw new PayloadDecryptionError(
      'malformed',
      keyId,
      `Encrypted payload (key id "${keyId}") is not a payload`,
    );
  }
}

/**
 * The PayloadCodec for `dataConverter.payloadCodecs`. Stateless apart from the keyring, so one
 * instance can serve a client, a worker and a codec server at once.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(readonly keyring: CodecKeyring) {
    if (!keyring.keys.has(keyring.currentKeyId))
      throw new Error(`Codec keyring has no key for its current key id "${keyring.currentKeyId}"`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => encryptPayload(p, this.keyring));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => decryptPayload(p, this.keyring));
  }
}
