// Sandbox platform keys: generated on first start and kept in the dev data folder, so a
// restarted sandbox still matches the public key the engine was configured with.
import { generateKeyPairSync, type KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RsaKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** True when this call generated the pair. */
  created: boolean;
}

export function generateRsaKeyPair(bits = 2048): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: bits });
}

/** `<dir>/<name>.private.pem` (mode 0600) and `<dir>/<name>.public.pem`. */
export function loadOrCreateRsaKeyPair(dir: string, name: string, bits = 2048): RsaKeyPair {
  const privatePath = join(dir, `${name}.private.pem`);
  const publicPath = join(dir, `${name}.public.pem`);
  if (existsSync(privatePath)) {
    const privateKey = createPrivateKey(readFileSync(privatePath, 'utf8'));
    const publicKey = existsSync(publicPath)
      ? createPublicKey(readFileSync(publicPath, 'utf8'))
      : createPublicKey(privateKey);
    return { privateKey, publicKey, created: false };
  }
  mkdirSync(dir, { recursive: true });
  const { privateKey, publicKey } = generateRsaKeyPair(bits);
  writeFileSync(privatePath, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  writeFileSync(publicPath, publicKey.export({ format: 'pem', type: 'spki' }));
  return { privateKey, publicKey, created: true };
}
