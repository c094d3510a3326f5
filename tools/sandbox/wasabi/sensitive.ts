// The sandbox's side of WasabiCard's sensitive values (card/info `cvv` and `validPeriod`,
// /card/sensitive, 3DS `values`): RSA PKCS#1 v1.5 with the merchant public key, Java-style in
// blocks of (modulus - 11) bytes, ciphertext blocks concatenated, standard base64 (spec §1.1).
// Written here rather than imported from the client, and checked against openssl on its own
// (test/unit/conformance/wasabi-seed.test.ts).
import { constants, type KeyObject, publicEncrypt } from 'node:crypto';

export function encryptForMerchant(plaintext: string, merchantPublicKey: KeyObject): string {
  const modulusBits = merchantPublicKey.asymmetricKeyDetails?.modulusLength;
  if (!modulusBits) throw new Error('the merchant public key is not an RSA key');
  const chunk = Math.ceil(modulusBits / 8) - 11;
  const bytes = Buffer.from(plaintext, 'utf8');
  const blocks: Buffer[] = [];
  for (let offset = 0; offset === 0 || offset < bytes.length; offset += chunk)
    blocks.push(
      publicEncrypt(
        { key: merchantPublicKey, padding: constants.RSA_PKCS1_PADDING },
        bytes.subarray(offset, offset + chunk),
      ),
    );
  return Buffer.concat(blocks).toString('base64');
}

/** A sensitive value as the provider sends it: encrypted to the merchant, URL-encoded if the switch says so. */
export function sensitiveOnTheWire(
  plaintext: string,
  merchantPublicKey: KeyObject,
  encoding: 'base64' | 'url-encoded',
): string {
  const b64 = encryptForMerchant(plaintext, merchantPublicKey);
  return encoding === 'url-encoded' ? encodeURIComponent(b64) : b64;
}
