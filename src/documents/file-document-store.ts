import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DocumentNotFoundError, type DocumentStore, type StoredDocument } from './document-store';

const REF = /^doc:([0-9a-f-]{36})$/;
const metaSchema = z.object({ contentType: z.string(), fileName: z.string() });

/** Documents as files under one folder (mode 0600): `<id>.bin` and `<id>.json` (type and name). */
export class FileDocumentStore implements DocumentStore {
  constructor(private readonly dir: string) {}

  async put(document: StoredDocument): Promise<string> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const id = randomUUID();
    await writeFile(join(this.dir, `${id}.bin`), document.bytes, { mode: 0o600 });
    await writeFile(
      join(this.dir, `${id}.json`),
      JSON.stringify({ contentType: document.contentType, fileName: document.fileName }),
      { mode: 0o600 },
    );
    return `doc:${id}`;
  }

  async get(ref: string): Promise<StoredDocument> {
    const id = this.idOf(ref);
    try {
      const [bytes, meta] = await Promise.all([
        readFile(join(this.dir, `${id}.bin`)),
        readFile(join(this.dir, `${id}.json`), 'utf8'),
      ]);
      return { bytes, ...metaSchema.parse(JSON.parse(meta)) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new DocumentNotFoundError(`no document ${ref}`);
      throw error;
    }
  }

  async delete(ref: string): Promise<void> {
    const id = this.idOf(ref);
    await Promise.all([
      rm(join(this.dir, `${id}.bin`), { force: true }),
      rm(join(this.dir, `${id}.json`), { force: true }),
    ]);
  }

  private idOf(ref: string): string {
    const match = REF.exec(ref);
    if (!match) throw new DocumentNotFoundError(`not a document reference: ${ref.slice(0, 80)}`);
    return match[1] as string;
  }
}
