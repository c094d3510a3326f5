// KazePay's digital envelope (spec §0.2), both directions: sealing a business JSON for a receiver
// and opening one from a sender. The same code serves the client (requests out, responses and
// webhooks in) and the sandbox (the reverse). Opening always works on the exact bytes received:
// the signature is checked over the decrypted bytes as they are, never over a re-serialisation.
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createSign,
  createVerify,
  type KeyObject,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
} from 'node:crypto';
import { z } from 'zod';
import { rsaModulusBytes } from '../keys';
import { parseProviderJson } from '../json';
import {
  cipherIv,
  cipherName,
  type CryptoProfile,
  decodeBinary,
  encodeBinary,
  type KeyPadding,
  sessionKeyFromMaterial,
  sessionKeyMaterial,
  sessionKeyMaterialLength,
} from './crypto-profile';

/** The head fields that travel in clear. `code`/`detail` only on responses. */
export interface EnvelopeHead {
  apiCode: string;
  sysId: string;
  requestNo: string;
  version: string;
  code?: string;
  detail?: string;
  sign: string;
  keyEnc: string;
}

export type UnsignedHead = Omit<EnvelopeHead, 'sign' | 'keyEnc'>;

export interface Envelope {
  head: EnvelopeHead;
  body?: { encrypt: string };
}

export type EnvelopeFailure = 'malformed' | 'undecryptable' | 'bad-signature';

/** Why an envelope could not be trusted. Messages never contain key or payload material. */
export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
  constructor(
    readonly reason: EnvelopeFailure,
    message: string,
  ) {
    super(message);
  }
}

const headSchema = z.looseObject({
  apiCode: z.string(),
  sysId: z.string(),
  requestNo: z.string(),
  version: z.string(),
  code: z.string().optional(),
  detail: z.string().optional(),
  sign: z.string().optional(),
  keyEnc: z.string().optional(),
});

const envelopeSchema = z.looseObject({
  head: headSchema,
  body: z.looseObject({ encrypt: z.string() }).nullish(),
});

export interface ParsedEnvelope {
  head: z.output<typeof headSchema>;
  encrypt?: string;
}

/** Reads the outer envelope (clear head, ciphertext) without trusting anything in it yet. */
export function parseEnvelope(raw: Buffer | string): ParsedEnvelope {
  let json: unknown;
  try {
    json = parseProviderJson(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    throw new EnvelopeError('malformed', 'the message is not JSON');
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) throw new EnvelopeError('malformed', 'the message is not a KazePay envelope');
  const encrypt = parsed.data.body?.encrypt;
  return encrypt === undefined ? { head: parsed.data.head } : { head: parsed.data.head, encrypt };
}

/** The bytes `sign` covers under the profile. */
export function signedBytes(profile: CryptoProfile, head: UnsignedHead, business: Buffer): Buffer {
  if (profile.signedContent === 'business-json') return business;
  const prefix = `${head.apiCode}|${head.sysId}|${head.requestNo}|${head.version}|`;
  return Buffer.concat([Buffer.from(prefix, 'utf8'), business]);
}

export interface SealOptions {
  profile: CryptoProfile;
  head: UnsignedHead;
  /** The business JSON exactly as it will be signed and encrypted. */
  business: Buffer;
  senderPrivateKey: KeyObject;
  receiverPublicKey: KeyObject;
  /** Tests only: a fixed session key instead of a fresh random one. */
  sessionKey?: Buffer;
}

/** Builds an envelope: fresh session key, AES over the business bytes, RSA-wrapped key, signature. */
export function sealEnvelope(options: SealOptions): Envelope {
  const { profile, head, business } = options;
  const sessionKey = options.sessionKey ?? randomBytes(profile.sessionKeyBytes);
  if (sessionKey.length !== profile.sessionKeyBytes)
    throw new Error('session key size does not match the profile');
  const cipher = createCipheriv(cipherName(profile), sessionKey, cipherIv(profile));
  const ciphertext = Buffer.concat([cipher.update(business), cipher.final()]);
  const wrappedKey = publicEncrypt(
    profile.keyPadding === 'pkcs1'
      ? { key: options.receiverPublicKey, padding: constants.RSA_PKCS1_PADDING }
      : {
          key: options.receiverPublicKey,
          padding: constants.RSA_PKCS1_OAEP_PADDING,
          oaepHash: oaepHash(profile.keyPadding),
        },
    sessionKeyMaterial(sessionKey, profile.sessionKeyForm),
  );
  const signature = createSign(profile.signatureHash)
    .update(signedBytes(profile, head, business))
    .sign(options.senderPrivateKey);
  return {
    head: {
      ...head,
      sign: encodeBinary(signature, profile.signatureEncoding),
      keyEnc: encodeBinary(wrappedKey, profile.keyEncEncoding),
    },
    body: { encrypt: encodeBinary(ciphertext, profile.ciphertextEncoding) },
  };
}

/** The envelope as the exact bytes that go on the wire. */
export function envelopeBytes(envelope: Envelope): Buffer {
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}

/**
 * RSA PKCS#1 v1.5 decryption of the session key. Node refuses PKCS#1 v1.5 private decryption
 * (CVE-2023-46809), so the padding is removed here from a raw RSA operation. On any padding
 * problem a random key of the expected size is returned instead (implicit rejection), so a
 * bad `keyEnc` fails later in the same way as a bad ciphertext: no padding oracle.
 */
function unwrapSessionKey(privateKey: KeyObject, wrapped: Buffer, profile: CryptoProfile): Buffer {
  const keyBytes = profile.sessionKeyBytes;
  const fallback = randomBytes(keyBytes);
  const materialBytes = sessionKeyMaterialLength(keyBytes, profile.sessionKeyForm);
  const k = rsaModulusBytes(privateKey);
  if (wrapped.length !== k) return fallback;
  let em: Buffer;
  try {
    em = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, wrapped);
  } catch {
    return fallback;
  }
  // EM = 0x00 || 0x02 || PS (>= 8 non-zero bytes) || 0x00 || M
  let separator = -1;
  for (let i = 2; i < em.length; i++) {
    if (em[i] === 0 && separator < 0) separator = i;
  }
  const valid = em[0] === 0 && em[1] === 2 && separator >= 10 && em.length - separator - 1 === materialBytes;
  const key = valid ? sessionKeyFromMaterial(em.subarray(separator + 1), profile.sessionKeyForm) : undefined;
  return key?.length === keyBytes ? key : fallback;
}

const oaepHash = (padding: Exclude<KeyPadding, 'pkcs1'>) => (padding === 'oaep-sha1' ? 'sha1' : 'sha256');

/** OAEP decryption of the session key (KAZEPAY_KEY_PADDING); a failure reads as a wrong key, as above. */
function unwrapOaepSessionKey(privateKey: KeyObject, wrapped: Buffer, profile: CryptoProfile): Buffer {
  try {
    const material = privateDecrypt(
      {
        key: privateKey,
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: oaepHash(profile.keyPadding as Exclude<KeyPadding, 'pkcs1'>),
      },
      wrapped,
    );
    const key = sessionKeyFromMaterial(material, profile.sessionKeyForm);
    if (key?.length === profile.sessionKeyBytes) return key;
  } catch {
    // fall through to a random key: the body then fails to decrypt like any other wrong key
  }
  return randomBytes(profile.sessionKeyBytes);
}

export interface OpenOptions {
  profile: CryptoProfile;
  receiverPrivateKey: KeyObject;
  senderPublicKey: KeyObject;
}

export interface OpenedEnvelope {
  head: EnvelopeHead;
  /** The decrypted business JSON bytes, exactly as the sender encrypted and signed them. */
  business: Buffer;
}

/** Decrypts and verifies a parsed envelope. Throws EnvelopeError; nothing is returned unverified. */
export function openParsedEnvelope(parsed: ParsedEnvelope, options: OpenOptions): OpenedEnvelope {
  const { profile } = options;
  const { head, encrypt } = parsed;
  if (encrypt === undefined || head.sign === undefined || head.keyEnc === undefined)
    throw new EnvelopeError('malformed', 'the envelope has no encrypted body or no signature');
  const wrapped = decodeBinary(head.keyEnc, profile.keyEncEncoding);
  const ciphertext = decodeBinary(encrypt, profile.ciphertextEncoding);
  const signature = decodeBinary(head.sign, profile.signatureEncoding);
  if (!wrapped || !ciphertext || !signature)
    throw new EnvelopeError('malformed', 'keyEnc, sign or body.encrypt is not in the expected encoding');
  const sessionKey =
    profile.keyPadding === 'pkcs1'
      ? unwrapSessionKey(options.receiverPrivateKey, wrapped, profile)
      : unwrapOaepSessionKey(options.receiverPrivateKey, wrapped, profile);
  let business: Buffer;
  try {
    const decipher = createDecipheriv(cipherName(profile), sessionKey, cipherIv(profile));
    business = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new EnvelopeError('undecryptable', 'the body cannot be decrypted with the session key');
  }
  const verified = createVerify(profile.signatureHash)
    .update(signedBytes(profile, head, business))
    .verify(options.senderPublicKey, signature);
  if (!verified) throw new EnvelopeError('bad-signature', 'the signature does not match the content');
  return { head: head as EnvelopeHead, business };
}

export function openEnvelope(raw: Buffer | string, options: OpenOptions): OpenedEnvelope {
  return openParsedEnvelope(parseEnvelope(raw), options);
}
