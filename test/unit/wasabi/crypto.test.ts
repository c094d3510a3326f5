import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { loadPrivateKey, loadPublicKey } from '../../../src/providers/keys';
import {
  decryptSensitive,
  encryptSensitive,
  SensitiveDecryptionError,
} from '../../../src/providers/wasabi/sensitive';
import { signWasabi, verifyWasabi } from '../../../src/providers/wasabi/signature';
import { OpenSsl } from './openssl';

const openssl = new OpenSsl();
after(() => openssl.cleanup());

const BODY =
  '{"cardNo":"FC202408181555232422322004","merchantOrderNo":"T1852379826671345664","amount":15.50}';

for (const bits of [1024, 2048]) {
  describe(`${bits}-bit keys made by openssl`, () => {
    const keys = openssl.keyPair(bits);

    test('openssl verifies the signature the client puts in X-WSB-SIGNATURE', () => {
      const signature = signWasabi(BODY, keys.privatePem);
      assert.equal(signature.length, bits === 1024 ? 172 : 344, 'standard base64 with padding');
      assert.match(signature, /^[A-Za-z0-9+/]+={0,2}$/);
      assert.equal(openssl.verifySha256(keys.publicPath, BODY, signature), true);
      // and `{}` for parameterless calls and uploads
      assert.equal(openssl.verifySha256(keys.publicPath, '{}', signWasabi('{}', keys.privatePem)), true);
    });

    test('the client verifies an openssl signature and refuses the body altered by one byte', () => {
      const signature = openssl.signSha256(keys.privatePath, BODY);
      assert.equal(verifyWasabi(Buffer.from(BODY), signature, keys.publicPem), true);
      const altered = Buffer.from(BODY);
      altered[altered.length - 3] = altered[altered.length - 3]! ^ 0x01; // 15.50 -> 15.40
      assert.equal(verifyWasabi(altered, signature, keys.publicPem), false);
      assert.equal(verifyWasabi(Buffer.from(BODY), 'not base64 !', keys.publicPem), false);
      assert.equal(verifyWasabi(Buffer.from(BODY), undefined, keys.publicPem), false);
    });

    test('keys given as bare base64 DER (PKCS#8, PKCS#1, SPKI) sign and verify the same', () => {
      const pkcs8 = openssl.bareDer(keys.privatePath, 'private');
      const pkcs1 = openssl.bareDer(keys.privatePath, 'pkcs1-private');
      const spki = openssl.bareDer(keys.publicPath, 'public');
      assert.doesNotMatch(pkcs8, /BEGIN/);
      for (const privateKey of [pkcs8, pkcs1]) {
        const signature = signWasabi(BODY, loadPrivateKey(privateKey));
        assert.equal(openssl.verifySha256(keys.publicPath, BODY, signature), true);
        assert.equal(verifyWasabi(BODY, signature, loadPublicKey(spki)), true);
      }
    });

    test('decrypts openssl PKCS#1 v1.5 ciphertexts: one block and several blocks', () => {
      const modulus = bits / 8;
      const pan = '4866001234567890';
      const single = openssl.encryptSegmented(keys.publicPath, pan, modulus);
      assert.equal(Buffer.from(single, 'base64').length, modulus);
      assert.equal(decryptSensitive(single, keys.privatePem), pan);

      const url = `https://3ds.example.test/authorize?session=${'x'.repeat(modulus)}&lang=zh-CN&amount=16.96`;
      const multi = openssl.encryptSegmented(keys.publicPath, url, modulus);
      assert.ok(Buffer.from(multi, 'base64').length >= 2 * modulus, 'spans several RSA blocks');
      assert.equal(
        decryptSensitive(multi, loadPrivateKey(openssl.bareDer(keys.privatePath, 'private'))),
        url,
      );
    });

    test('the URL-encoded variant of a ciphertext decrypts the same', () => {
      const cvv = '123';
      const ciphertext = openssl.encryptSegmented(keys.publicPath, cvv, bits / 8);
      assert.equal(decryptSensitive(encodeURIComponent(ciphertext), keys.privatePem), cvv);
    });

    test('the sandbox side: encryptSensitive output decrypts with openssl, block by block', () => {
      const modulus = bits / 8;
      const text = `07/2031 ${'é'.repeat(modulus)}`;
      const cipher = Buffer.from(encryptSensitive(text, keys.publicPem), 'base64');
      const blocks: Buffer[] = [];
      for (let i = 0; i < cipher.length; i += modulus)
        blocks.push(openssl.decryptBlock(keys.privatePath, cipher.subarray(i, i + modulus)));
      assert.equal(Buffer.concat(blocks).toString('utf8'), text);
    });

    test('refuses ciphertext for another key, truncated ciphertext and non-base64', () => {
      const other = openssl.keyPair(bits);
      const foreign = openssl.encryptSegmented(other.publicPath, '123', bits / 8);
      assert.throws(() => decryptSensitive(foreign, keys.privatePem), SensitiveDecryptionError);
      const good = openssl.encryptSegmented(keys.publicPath, '123', bits / 8);
      const truncated = Buffer.from(good, 'base64').subarray(1).toString('base64');
      assert.throws(() => decryptSensitive(truncated, keys.privatePem), /whole number/);
      assert.throws(() => decryptSensitive('***', keys.privatePem), /not base64/);
    });
  });
}
