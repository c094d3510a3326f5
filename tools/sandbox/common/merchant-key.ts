// The merchant key pair a sandbox started for development trusts, when none is configured.
import { join } from 'node:path';
import { loadOrCreateRsaKeyPair } from './keystore';

/**
 * The merchant public key a sandbox verifies requests with: the configured one, or (development
 * convenience) a merchant pair generated beside the sandbox's own keys and reused across starts.
 */
export function sandboxMerchantKey(
  keyDir: string,
  configured: string | undefined,
): { merchantPublicKey: string; generated: boolean } {
  if (configured) return { merchantPublicKey: configured, generated: false };
  const pair = loadOrCreateRsaKeyPair(keyDir, 'merchant', 2048);
  return {
    merchantPublicKey: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    generated: true,
  };
}

export function merchantPrivateKeyPath(keyDir: string): string {
  return join(keyDir, 'merchant.private.pem');
}
