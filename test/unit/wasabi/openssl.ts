// Test helper: keys, signatures and ciphertexts made by the `openssl` command line, as the
// independent reference the Wasabi crypto is checked against.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class OpenSsl {
  readonly dir = mkdtempSync(join(tmpdir(), 'wasabi-openssl-'));
  private n = 0;

  run(...args: string[]): Buffer {
    return execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  file(content: string | Buffer): string {
    const path = join(this.dir, `f${this.n++}`);
    writeFileSync(path, content);
    return path;
  }

  /** A fresh RSA key pair: paths to the PKCS#8 private and SPKI public PEM files. */
  keyPair(bits: number): { privatePem: string; publicPem: string; privatePath: string; publicPath: string } {
    const privatePath = join(this.dir, `k${this.n++}.pem`);
    const publicPath = `${privatePath}.pub`;
    this.run('genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`, '-out', privatePath);
    this.run('pkey', '-in', privatePath, '-pubout', '-out', publicPath);
    return {
      privatePem: readFileSync(privatePath, 'utf8'),
      publicPem: readFileSync(publicPath, 'utf8'),
      privatePath,
      publicPath,
    };
  }

  /** Bare base64 DER, as Wasabi's dashboard hands keys out. */
  bareDer(path: string, kind: 'private' | 'public' | 'pkcs1-private'): string {
    const args =
      kind === 'public'
        ? ['pkey', '-pubin', '-in', path, '-outform', 'DER']
        : kind === 'private'
          ? ['pkey', '-in', path, '-outform', 'DER']
          : ['rsa', '-in', path, '-traditional', '-outform', 'DER'];
    return this.run(...args).toString('base64');
  }

  signSha256(privatePath: string, data: string | Buffer): string {
    const sig = join(this.dir, `s${this.n++}`);
    this.run('dgst', '-sha256', '-sign', privatePath, '-out', sig, this.file(data));
    return readFileSync(sig).toString('base64');
  }

  verifySha256(publicPath: string, data: string | Buffer, signatureBase64: string): boolean {
    try {
      const out = this.run(
        'dgst',
        '-sha256',
        '-verify',
        publicPath,
        '-signature',
        this.file(Buffer.from(signatureBase64, 'base64')),
        this.file(data),
      );
      return out.toString().includes('Verified OK');
    } catch {
      return false;
    }
  }

  /** PKCS#1 v1.5 encryption of one block. */
  encryptBlock(publicPath: string, plain: Buffer): Buffer {
    return this.run(
      'pkeyutl',
      '-encrypt',
      '-pubin',
      '-inkey',
      publicPath,
      '-pkeyopt',
      'rsa_padding_mode:pkcs1',
      '-in',
      this.file(plain),
    );
  }

  /** Java-style segmented encryption: (modulus - 11)-byte chunks, ciphertexts concatenated, base64. */
  encryptSegmented(publicPath: string, plaintext: string, modulusBytes: number): string {
    const bytes = Buffer.from(plaintext, 'utf8');
    const parts: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += modulusBytes - 11)
      parts.push(this.encryptBlock(publicPath, bytes.subarray(i, i + modulusBytes - 11)));
    return Buffer.concat(parts).toString('base64');
  }

  decryptBlock(privatePath: string, cipher: Buffer): Buffer {
    return this.run(
      'pkeyutl',
      '-decrypt',
      '-inkey',
      privatePath,
      '-pkeyopt',
      'rsa_padding_mode:pkcs1',
      '-in',
      this.file(cipher),
    );
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
