// The KazePay sandbox's own reading of the "digital envelope" (spec providers.md §0.2, deduced
// from seed 000's fileUpload answer), written apart from the client's src/providers/kazepay code
// so that a mistake in one is not silently agreed to by the other. Both are checked on their own
// against the openssl command line (test/unit/sandbox-kazepay/envelope-openssl.test.ts here).
//
// What the seed proves: `sign` and `keyEnc` are lowercase hex of 256 bytes (2048-bit RSA),
// `body.encrypt` is standard base64 of a 16-byte block cipher with PKCS#7 padding and no IV.
// What the sandbox assumes by default (UNCONFIRMED, every item a knob below):
//   body.encrypt = base64(AES-128-ECB-PKCS7(sessionKey, business bytes))
//   keyEnc       = hex(RSA PKCS#1 v1.5 encrypt(receiver public key, raw session key))
//   sign         = hex(SHA256withRSA(sender private key, business bytes))
// The receiver verifies `sign` over the decrypted bytes as they are (never re-serialised).
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

/** The sandbox's envelope knobs. Same meaning and defaults as spec §0.2 (kept as sandbox options). */
export interface SandboxCryptoProfile {
  /** AES key size of the per-message session key: 16 (AES-128, default), 24 or 32. */
  sessionKeyBytes: 16 | 24 | 32;
  /** `ecb` (default: no IV travels) or `cbc-zero-iv` (CBC with an all-zero IV). */
  cipherMode: 'ecb' | 'cbc-zero-iv';
  /**
   * What `sign` covers: `business-json` (default), or `head-and-business-json`:
   * `apiCode|sysId|requestNo|version|` followed by the business bytes.
   */
  signedContent: 'business-json' | 'head-and-business-json';
  /** RSASSA-PKCS1-v1_5 hash: `sha256` (default) or `sha1`. */
  signatureHash: 'sha256' | 'sha1';
  /** Text form of `sign` (seed: hex). */
  signatureEncoding: 'hex' | 'base64';
  /** Text form of `keyEnc` (seed: hex). */
  keyEncEncoding: 'hex' | 'base64';
  /** Text form of `body.encrypt` (seed: base64). */
  ciphertextEncoding: 'hex' | 'base64';
}

export const SANDBOX_DEFAULT_CRYPTO_PROFILE: Readonly<SandboxCryptoProfile> = Object.freeze({
  sessionKeyBytes: 16,
  cipherMode: 'ecb',
  signedContent: 'business-json',
  signatureHash: 'sha256',
  signatureEncoding: 'hex',
  keyEncEncoding: 'hex',
  ciphertextEncoding: 'base64',
});

export function sandboxCryptoProfile(overrides: Partial<SandboxCryptoProfile> = {}): SandboxCryptoProfile {
  const profile: SandboxCryptoProfile = { ...SANDBOX_DEFAULT_CRYPTO_PROFILE };
  for (const key of Object.keys(overrides) as Array<keyof SandboxCryptoProfile>) {
    const value = overrides[key];
    if (value !== undefined) (profile as unknown as Record<string, unknown>)[key] = value;
  }
  return profile;
}

/** The clear head of a gateway message. `code`/`detail` only on answers. */
export interface GatewayHead {
  apiCode: string;
  sysId: string;
  requestNo: string;
  version: string;
  code?: string;
  detail?: string;
  sign?: string;
  keyEnc?: string;
}

/** A message as read off the wire: nothing in it is trusted yet. */
export interface GatewayMessage {
  head: GatewayHead;
  encrypt?: string;
}

export type GatewayFailure = 'malformed' | 'undecryptable' | 'bad-signature';

export class GatewayEnvelopeError extends Error {
  override name = 'GatewayEnvelopeError';
  constructor(
    readonly reason: GatewayFailure,
    message: string,
  ) {
    super(message);
  }
}

const HEAD_TEXT_FIELDS = ['apiCode', 'sysId', 'requestNo', 'version'] as const;
const HEAD_OPTIONAL_FIELDS = ['code', 'detail', 'sign', 'keyEnc'] as const;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads `{"head":{...},"body":{"encrypt":"..."}}`. The outer envelope holds only text, so plain
 * JSON.parse is enough here; the business JSON inside is read later, from the decrypted bytes.
 */
export function readGatewayMessage(raw: Buffer | string): GatewayMessage {
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    throw new GatewayEnvelopeError('malformed', 'the message is not JSON');
  }
  if (!isRecord(json) || !isRecord(json.head))
    throw new GatewayEnvelopeError('malformed', 'the message has no head');
  const source = json.head;
  const head: Record<string, string> = {};
  for (const field of HEAD_TEXT_FIELDS) {
    if (typeof source[field] !== 'string')
      throw new GatewayEnvelopeError('malformed', `head.${field} is missing or not text`);
    head[field] = source[field];
  }
  for (const field of HEAD_OPTIONAL_FIELDS) {
    const value = source[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new GatewayEnvelopeError('malformed', `head.${field} is not text`);
    head[field] = value;
  }
  const body = json.body;
  if (body === undefined || body === null) return { head: head as unknown as GatewayHead };
  if (!isRecord(body) || typeof body.encrypt !== 'string')
    throw new GatewayEnvelopeError('malformed', 'body.encrypt is missing or not text');
  return { head: head as unknown as GatewayHead, encrypt: body.encrypt };
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict: text not valid in the encoding is refused, not half-decoded. */
function decodeText(text: string, encoding: 'hex' | 'base64'): Buffer | undefined {
  if (encoding === 'hex') return HEX.test(text) ? Buffer.from(text, 'hex') : undefined;
  return BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

function aes(profile: SandboxCryptoProfile): { name: string; iv: Buffer | null } {
  const bits = profile.sessionKeyBytes * 8;
  return profile.cipherMode === 'ecb'
    ? { name: `aes-${bits}-ecb`, iv: null }
    : { name: `aes-${bits}-cbc`, iv: Buffer.alloc(16, 0) };
}

function coveredBytes(
  profile: SandboxCryptoProfile,
  head: Pick<GatewayHead, 'apiCode' | 'sysId' | 'requestNo' | 'version'>,
  business: Buffer,
): Buffer {
  if (profile.signedContent === 'business-json') return business;
  return Buffer.concat([
    Buffer.from(`${head.apiCode}|${head.sysId}|${head.requestNo}|${head.version}|`, 'utf8'),
    business,
  ]);
}

export interface OpenRequestKeys {
  /** The sandbox platform's private key: unwraps the session key. */
  platformPrivateKey: KeyObject;
  /** The merchant's public key: checks `sign`. */
  merchantPublicKey: KeyObject;
}

/**
 * Unwraps the session key, decrypts the body and checks the merchant's signature over the
 * decrypted bytes. Returns those bytes exactly; throws GatewayEnvelopeError otherwise.
 *
 * The session key is unwrapped with node's own PKCS#1 v1.5 decryption, which on this OpenSSL
 * uses implicit rejection: a bad `keyEnc` yields a wrong key rather than a padding error, so it
 * fails as an undecryptable body (no padding oracle).
 */
export function openMerchantRequest(
  message: GatewayMessage,
  profile: SandboxCryptoProfile,
  keys: OpenRequestKeys,
): Buffer {
  const { head, encrypt } = message;
  if (encrypt === undefined || head.sign === undefined || head.keyEnc === undefined)
    throw new GatewayEnvelopeError('malformed', 'sign, keyEnc or body.encrypt is missing');
  const wrapped = decodeText(head.keyEnc, profile.keyEncEncoding);
  const ciphertext = decodeText(encrypt, profile.ciphertextEncoding);
  const signature = decodeText(head.sign, profile.signatureEncoding);
  if (!wrapped || !ciphertext || !signature)
    throw new GatewayEnvelopeError('malformed', 'sign, keyEnc or body.encrypt is badly encoded');
  let sessionKey: Buffer;
  try {
    sessionKey = privateDecrypt(
      { key: keys.platformPrivateKey, padding: constants.RSA_PKCS1_PADDING },
      wrapped,
    );
  } catch {
    throw new GatewayEnvelopeError('undecryptable', 'keyEnc cannot be decrypted');
  }
  if (sessionKey.length !== profile.sessionKeyBytes)
    throw new GatewayEnvelopeError(
      'undecryptable',
      'keyEnc does not hold a session key of the expected size',
    );
  let business: Buffer;
  try {
    const { name, iv } = aes(profile);
    const decipher = createDecipheriv(name, sessionKey, iv);
    business = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new GatewayEnvelopeError('undecryptable', 'body.encrypt cannot be decrypted');
  }
  const ok = createVerify(profile.signatureHash)
    .update(coveredBytes(profile, head, business))
    .verify(keys.merchantPublicKey, signature);
  if (!ok) throw new GatewayEnvelopeError('bad-signature', 'sign does not match the content');
  return business;
}

export interface SealAnswerOptions {
  head: {
    apiCode: string;
    sysId: string;
    requestNo: string;
    version: string;
    code?: string;
    detail?: string;
  };
  /** The business JSON exactly as it is encrypted and signed. */
  business: Buffer;
  platformPrivateKey: KeyObject;
  merchantPublicKey: KeyObject;
  /** Tests only: a fixed session key. */
  sessionKey?: Buffer;
}

export interface SealedGatewayMessage {
  head: Required<Pick<GatewayHead, 'apiCode' | 'sysId' | 'requestNo' | 'version' | 'sign' | 'keyEnc'>> &
    Pick<GatewayHead, 'code' | 'detail'>;
  body: { encrypt: string };
}

/** An answer or webhook from the platform to the merchant: fresh session key, AES, RSA, signature. */
export function sealPlatformMessage(
  options: SealAnswerOptions,
  profile: SandboxCryptoProfile,
): SealedGatewayMessage {
  const sessionKey = options.sessionKey ?? randomBytes(profile.sessionKeyBytes);
  if (sessionKey.length !== profile.sessionKeyBytes)
    throw new Error('the session key size does not match the crypto profile');
  const { name, iv } = aes(profile);
  const cipher = createCipheriv(name, sessionKey, iv);
  const ciphertext = Buffer.concat([cipher.update(options.business), cipher.final()]);
  const keyEnc = publicEncrypt(
    { key: options.merchantPublicKey, padding: constants.RSA_PKCS1_PADDING },
    sessionKey,
  );
  const sign = createSign(profile.signatureHash)
    .update(coveredBytes(profile, options.head, options.business))
    .sign(options.platformPrivateKey);
  return {
    head: {
      ...options.head,
      sign: sign.toString(profile.signatureEncoding),
      keyEnc: keyEnc.toString(profile.keyEncEncoding),
    },
    body: { encrypt: ciphertext.toString(profile.ciphertextEncoding) },
  };
}

export function gatewayWireBytes(message: SealedGatewayMessage): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8');
}
