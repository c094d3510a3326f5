// KazePay's envelope made and opened by the openssl command line only: the independent
// implementation both the client and the sandbox are checked against in the conformance suite
// (AES-128-ECB over the business bytes, RSA PKCS#1 v1.5 session key, SHA256withRSA over the
// business bytes, hex / hex / base64: the default profile, spec §0.2).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class OpensslEnvelope {
  readonly dir = mkdtempSync(join(tmpdir(), 'seed-conformance-'));
  private n = 0;

  run(...args: string[]): Buffer {
    return execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  private file(content: string | Buffer): string {
    const path = join(this.dir, `f${this.n++}`);
    writeFileSync(path, content);
    return path;
  }

  /** A 2048-bit key pair: paths and PEM texts. */
  keyPair(name: string) {
    const key = join(this.dir, `${name}.key`);
    const pub = join(this.dir, `${name}.pub`);
    this.run('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key);
    this.run('pkey', '-in', key, '-pubout', '-out', pub);
    return { key, pub, privatePem: readFileSync(key, 'utf8'), publicPem: readFileSync(pub, 'utf8') };
  }

  /** sign, keyEnc and body.encrypt for `business` (exact bytes), from the sender to the receiver. */
  seal(business: string, senderKey: string, receiverPub: string) {
    const keyHex = this.run('rand', '-hex', '16').toString().trim();
    const businessFile = this.file(business);
    const encrypt = this.run('enc', '-aes-128-ecb', '-K', keyHex, '-in', businessFile).toString('base64');
    const keyEnc = this.run(
      'pkeyutl',
      '-encrypt',
      '-pubin',
      '-inkey',
      receiverPub,
      '-pkeyopt',
      'rsa_padding_mode:pkcs1',
      '-in',
      this.file(Buffer.from(keyHex, 'hex')),
    ).toString('hex');
    const sign = this.run('dgst', '-sha256', '-sign', senderKey, businessFile).toString('hex');
    return { sign, keyEnc, encrypt };
  }

  /** Decrypts and verifies an envelope: the business text and openssl's verdict. */
  open(parts: { sign: string; keyEnc: string; encrypt: string }, receiverKey: string, senderPub: string) {
    const sessionKey = this.run(
      'pkeyutl',
      '-decrypt',
      '-inkey',
      receiverKey,
      '-pkeyopt',
      'rsa_padding_mode:pkcs1',
      '-in',
      this.file(Buffer.from(parts.keyEnc, 'hex')),
    );
    const business = this.run(
      'enc',
      '-d',
      '-aes-128-ecb',
      '-K',
      sessionKey.toString('hex'),
      '-in',
      this.file(Buffer.from(parts.encrypt, 'base64')),
    );
    let verdict: string;
    try {
      verdict = this.run(
        'dgst',
        '-sha256',
        '-verify',
        senderPub,
        '-signature',
        this.file(Buffer.from(parts.sign, 'hex')),
        this.file(business),
      )
        .toString()
        .trim();
    } catch (error) {
      verdict = String((error as { stdout?: Buffer }).stdout ?? 'Verification failure').trim();
    }
    return { business: business.toString('utf8'), verdict };
  }

  /** SHA256withRSA, standard base64 (WasabiCard's X-WSB-SIGNATURE). */
  signBase64(privateKey: string, data: string | Buffer): string {
    return this.run('dgst', '-sha256', '-sign', privateKey, this.file(data)).toString('base64');
  }

  verifyBase64(publicKey: string, data: string | Buffer, signature: string): boolean {
    try {
      return this.run(
        'dgst',
        '-sha256',
        '-verify',
        publicKey,
        '-signature',
        this.file(Buffer.from(signature, 'base64')),
        this.file(data),
      )
        .toString()
        .includes('Verified OK');
    } catch {
      return false;
    }
  }

  /** One PKCS#1 v1.5 block to the public key, base64 (WasabiCard's sensitive values). */
  encryptBase64(publicKey: string, plaintext: string): string {
    return this.run(
      'pkeyutl',
      '-encrypt',
      '-pubin',
      '-inkey',
      publicKey,
      '-pkeyopt',
      'rsa_padding_mode:pkcs1',
      '-in',
      this.file(plaintext),
    ).toString('base64');
  }

  /** Decrypts base64 ciphertext block by block (Java-style segmented RSA) with the private key. */
  decryptBase64(privateKey: string, ciphertext: string, blockBytes: number): string {
    const bytes = Buffer.from(ciphertext, 'base64');
    const parts: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += blockBytes)
      parts.push(
        this.run(
          'pkeyutl',
          '-decrypt',
          '-inkey',
          privateKey,
          '-pkeyopt',
          'rsa_padding_mode:pkcs1',
          '-in',
          this.file(bytes.subarray(i, i + blockBytes)),
        ),
      );
    return Buffer.concat(parts).toString('utf8');
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
