// Shared set-up for the KazePay integration tests: merchant keys, a sandbox, a client on it.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { KazepayClient, type KazepayClientOptions } from '../../../src/providers/kazepay/client';
import type { KazepaySandboxOptions } from '../../../tools/sandbox/kazepay/options';
import { type KazepaySandbox, startKazepaySandbox } from '../../../tools/sandbox/kazepay/server';

export const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 7)]);
export const JPEG = Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), Buffer.alloc(64, 9)]);

export function rsaPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

export const merchant = rsaPair();
export const platform = rsaPair();

export async function startSandbox(options: Partial<KazepaySandboxOptions> = {}): Promise<KazepaySandbox> {
  return startKazepaySandbox({
    merchantPublicKey: merchant.publicKey,
    platformPrivateKey: platform.privateKey,
    ...options,
  });
}

export function clientFor(
  sandbox: KazepaySandbox,
  overrides: Partial<KazepayClientOptions> = {},
): KazepayClient {
  return new KazepayClient({
    baseUrl: `${sandbox.url}/api/gateway`,
    sysId: sandbox.sysId,
    merchantPrivateKey: merchant.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    platformPublicKey: sandbox.platformPublicKeyBase64,
    timeoutMs: 3000,
    ...overrides,
  });
}

let counter = 0;
export const uniqueEmail = (tag: string) => `${tag}.${Date.now()}.${++counter}@example.com`;

export function identity(email: string) {
  return {
    email,
    mobileNumber: '15659874544',
    mobilePrefix: '60',
    mobilePrefixCountry: 'MY',
    firstName: 'Ada',
    lastName: 'Lovelace',
    dateOfBirth: '1985-12-10',
    addressLine: '12 Jalan Ampang',
    city: 'Kuala Lumpur',
    countryCode: 'MY',
    postCode: '50450',
    state: 'Wilayah Persekutuan',
    identificationType: 'PASSPORT' as const,
    identificationNumber: 'A1234567',
    identificationExpiryDate: '2031-05-01',
  };
}

/** Uploads the images and submits KYC with file ids; returns the KYC status answered. */
export async function submitKyc(client: KazepayClient, email: string) {
  const contact = { email, mobileNumber: '15659874544', mobilePrefix: '60' };
  const front = await client.fileUpload({ ...contact, file: { fileName: 'front.png', content: PNG } });
  const selfie = await client.fileUpload({ ...contact, file: { fileName: 'selfie.jpg', content: JPEG } });
  return client.setUcardKyc({
    ...identity(email),
    frontImgFileId: front.fileId,
    handheldImgFileId: selfie.fileId,
  });
}

/** KYC passed, a physical card assigned and activated: returns the card id and number. */
export async function activeCard(client: KazepayClient, sandbox: KazepaySandbox) {
  const email = uniqueEmail('holder');
  await submitKyc(client, email);
  await sandbox.control.advance();
  const cardNumber = sandbox.control.physicalCardStock()[0]!;
  const { cardID } = await client.ucardAssign({ email, cardNumber, autoActive: true });
  await sandbox.control.advance();
  return { email, cardID, cardNumber };
}

export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
