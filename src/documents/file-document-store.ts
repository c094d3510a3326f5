import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { CodecKeyring } from '../security/codec-keys';
import { DocumentSealBrokenError } from '../security/document-envelope';
import {
  DocumentNotFoundError,
  type DocumentStore,
  documentIdOf,
  type StoredDocument,
} from './document-store';
import { digestOf, openStoredDocument, sealStoredDocument } from './sealed-document';

const metaSchema = z.object({
  keyId: z.string(),
  createdAt: z.string(),
  size: z.number(),
  digest: z.string(),
});

/**
 * Documents as files under one folder (the dev stack; one machine): `<id>.sealed` (the
 * ciphertext) and `<id>.json` (key id, creation time, size and digest of the ciphertext), mode 0600.
 * Documents written in clear before encryption (`<id>.bin`) are no longer read; the age sweep
 * deletes them by their file time.
 */
export class FileDocumentStore implements DocumentStore {
  constructor(
    private readonly dir: string,
    private readonly keyring: CodecKeyring,
  ) {}

  async put(document: StoredDocument): Promise<string> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const id = randomUUID();
    const { keyId, sealed, size, digest } = sealStoredDocument(this.keyring, id, document);
    await writeFile(join(this.dir, `${id}.sealed`), sealed, { mode: 0o600 });
    // The metadata last: a document without it is incomplete and read as not found.
    const meta = { keyId, createdAt: new Date().toISOString(), size, digest };
    await writeFile(join(this.dir, `${id}.json`), JSON.stringify(meta), { mode: 0o600 });
    return `doc:${id}`;
  }

  async get(ref: string): Promise<StoredDocument> {
    const id = documentIdOf(ref);
    try {
      const [sealed, metaText] = await Promise.all([
        readFile(join(this.dir, `${id}.sealed`)),
        readFile(join(this.dir, `${id}.json`), 'utf8'),
      ]);
      const meta = metaSchema.parse(JSON.parse(metaText));
      if (digestOf(sealed) !== meta.digest)
        throw new DocumentSealBrokenError(`document ${id}: the ciphertext does not match its digest`);
      return openStoredDocument(this.keyring, id, { keyId: meta.keyId, sealed });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new DocumentNotFoundError(`no document ${ref}`);
      throw error;
    }
  }

  async delete(ref: string): Promise<void> {
    await this.remove(documentIdOf(ref));
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    const present = new Set(names);
    let deleted = 0;
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const id = name.slice(0, -'.json'.length);
      let createdAt: number;
      try {
        createdAt = Date.parse(
          metaSchema.parse(JSON.parse(await readFile(join(this.dir, name), 'utf8'))).createdAt,
        );
      } catch {
        // A plaintext document of the old layout goes by its file time; anything else is being
        // written, or not ours.
        if (!present.has(`${id}.bin`)) continue;
        createdAt = (await stat(join(this.dir, `${id}.bin`))).mtimeMs;
      }
      if (createdAt < cutoff.getTime()) {
        await this.remove(id);
        deleted++;
      }
    }
    return deleted;
  }

  private async remove(id: string): Promise<void> {
    await rm(join(this.dir, `${id}.sealed`), { force: true });
    await rm(join(this.dir, `${id}.bin`), { force: true });
    await rm(join(this.dir, `${id}.json`), { force: true });
  }
}
