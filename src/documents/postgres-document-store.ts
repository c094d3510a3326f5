import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { CodecKeyring } from '../security/codec-keys';
import { DocumentSealBrokenError } from '../security/document-envelope';
import type { Migration } from '../storage/migrations';
import {
  DocumentNotFoundError,
  type DocumentStore,
  documentIdOf,
  type StoredDocument,
} from './document-store';
import { digestOf, openStoredDocument, sealStoredDocument } from './sealed-document';

/** The documents table: the ciphertext and what may be known about it without the key. */
export const DOCUMENT_MIGRATIONS: readonly Migration[] = [
  {
    name: 'documents-1-table',
    sql: `CREATE TABLE IF NOT EXISTS cardflow_documents (
            id uuid PRIMARY KEY,
            created_at timestamptz NOT NULL DEFAULT now(),
            key_id text NOT NULL,
            size integer NOT NULL,
            digest text NOT NULL,
            sealed bytea NOT NULL
          );
          CREATE INDEX IF NOT EXISTS cardflow_documents_created_at ON cardflow_documents (created_at)`,
  },
];

/**
 * Documents as rows of one PostgreSQL table: the store that the API and every worker of a
 * deployment share. The caller runs DOCUMENT_MIGRATIONS first (open-document-store.ts does).
 */
export class PostgresDocumentStore implements DocumentStore {
  constructor(
    private readonly pool: Pool,
    private readonly keyring: CodecKeyring,
  ) {}

  async put(document: StoredDocument): Promise<string> {
    const id = randomUUID();
    const { keyId, sealed, size, digest } = sealStoredDocument(this.keyring, id, document);
    await this.pool.query(
      'INSERT INTO cardflow_documents (id, key_id, size, digest, sealed) VALUES ($1, $2, $3, $4, $5)',
      [id, keyId, size, digest, sealed],
    );
    return `doc:${id}`;
  }

  async get(ref: string): Promise<StoredDocument> {
    const id = documentIdOf(ref);
    const { rows } = await this.pool.query<{ key_id: string; digest: string; sealed: Buffer }>(
      'SELECT key_id, digest, sealed FROM cardflow_documents WHERE id = $1',
      [id],
    );
    const row = rows[0];
    if (!row) throw new DocumentNotFoundError(`no document ${ref}`);
    if (digestOf(row.sealed) !== row.digest)
      throw new DocumentSealBrokenError(`document ${id}: the ciphertext does not match its digest`);
    return openStoredDocument(this.keyring, id, { keyId: row.key_id, sealed: row.sealed });
  }

  async delete(ref: string): Promise<void> {
    await this.pool.query('DELETE FROM cardflow_documents WHERE id = $1', [documentIdOf(ref)]);
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM cardflow_documents WHERE created_at < $1', [
      cutoff,
    ]);
    return rowCount ?? 0;
  }
}
