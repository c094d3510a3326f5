// RSA keys as providers hand them out: PEM (PKCS#8, PKCS#1, SPKI) or bare base64 DER with no
// armour (WasabiCard's dashboard, often KazePay's too). Error messages never include key material.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

export class KeyFormatError extends Error {
  override name = 'KeyFormatError';
}

const isPem = (text: string) => text.includes('-----BEGIN ');
const derFromBase64 = (text: string) => {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw new KeyFormatError('not PEM and not base64');
  return Buffer.from(compact, 'base64');
};

function firstThatLoads<T>(label: string, attempts: Array<() => T>): T {
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // try the next encoding
    }
  }
  throw new KeyFormatError(
    `${label}: not a readable RSA key (expected PEM, or base64 DER in PKCS#8/PKCS#1/SPKI)`,
  );
}

function requireRsa(key: KeyObject, label: string): KeyObject {
  if (key.asymmetricKeyType !== 'rsa')
    throw new KeyFormatError(`${label}: expected an RSA key, got ${key.asymmetricKeyType}`);
  return key;
}

/** `label` names the key in errors (e.g. the environment variable), never its content. */
export function loadPrivateKey(text: string | KeyObject, label = 'private key'): KeyObject {
  if (typeof text !== 'string') return requireRsa(text, label);
  const key = isPem(text)
    ? firstThatLoads(label, [() => createPrivateKey(text)])
    : firstThatLoads(label, [
        () => createPrivateKey({ key: derFromBase64(text), format: 'der', type: 'pkcs8' }),
        () => createPrivateKey({ key: derFromBase64(text), format: 'der', type: 'pkcs1' }),
      ]);
  return requireRsa(key, label);
}

export function loadPublicKey(text: string | KeyObject, label = 'public key'): KeyObject {
  if (typeof text !== 'string')
    return requireRsa(text.type === 'private' ? createPublicKey(text) : text, label);
  const key = isPem(text)
    ? firstThatLoads(label, [() => createPublicKey(text)])
    : firstThatLoads(label, [
        () => createPublicKey({ key: derFromBase64(text), format: 'der', type: 'spki' }),
        () => createPublicKey({ key: derFromBase64(text), format: 'der', type: 'pkcs1' }),
      ]);
  return requireRsa(key, label);
}

/** Bare base64 DER, the form provider dashboards use (SPKI for public, PKCS#8 for private keys). */
export function toBase64Der(key: KeyObject): string {
  return key.type === 'private'
    ? key.export({ format: 'der', type: 'pkcs8' }).toString('base64')
    : key.export({ format: 'der', type: 'spki' }).toString('base64');
}

/** Modulus size in bytes (RSA block size), for segmented encryption/decryption. */
export function rsaModulusBytes(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (!bits) throw new KeyFormatError('RSA key without a modulus length');
  return bits / 8;
}
