// What every document store writes: the document's type, name and bytes as one plaintext, sealed
// under the payload keyring (src/security/document-envelope.ts), with the ciphertext's size and
// SHA-256 digest for its metadata. Nothing of the document is readable outside the seal.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CodecKeyring } from '../security/codec-keys';
import { openDocument, sealDocument } from '../security/document-envelope';
import type { StoredDocument } from './document-store';

export interface SealedRecord {
  keyId: string;
  sealed: Buffer;
  /** Bytes of `sealed`. */
  size: number;
  /** SHA-256 of `sealed`, hex. */
  digest: string;
}

const headerSchema = z.object({ contentType: z.string(), fileName: z.string() });

export function digestOf(sealed: Buffer): string {
  return createHash('sha256').update(sealed).digest('hex');
}

export function sealStoredDocument(
  keyring: CodecKeyring,
  id: string,
  document: StoredDocument,
): SealedRecord {
  const header = Buffer.from(
    JSON.stringify({ contentType: document.contentType, fileName: document.fileName }),
  );
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  const { keyId, sealed } = sealDocument(keyring, id, Buffer.concat([length, header, document.bytes]));
  return { keyId, sealed, size: sealed.length, digest: digestOf(sealed) };
}

export function openStoredDocument(
  keyring: CodecKeyring,
  id: string,
  record: { keyId: string; sealed: Buffer },
): StoredDocument {
  const plaintext = openDocument(keyring, id, record);
  const headerLength = plaintext.readUInt32BE(0);
  const header = headerSchema.parse(JSON.parse(plaintext.subarray(4, 4 + headerLength).toString('utf8')));
  return { ...header, bytes: plaintext.subarray(4 + headerLength) };
}
