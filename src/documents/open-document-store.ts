// Which document store a process uses: PostgreSQL when CARDFLOW_DATABASE_URL is set (shared by the
// API and every worker of a deployment), else files under CARDFLOW_DOCUMENTS_DIR (default
// <CARDFLOW_DATA_DIR>/documents: the dev stack, one machine).
import { join, resolve } from 'node:path';
import type { Pool } from 'pg';
import type { CodecKeyring } from '../security/codec-keys';
import { openDatabase } from '../storage/database';
import { migrate } from '../storage/migrations';
import type { DocumentStore } from './document-store';
import { FileDocumentStore } from './file-document-store';
import { DOCUMENT_MIGRATIONS, PostgresDocumentStore } from './postgres-document-store';

export interface DocumentStoreSettings {
  keyring: CodecKeyring;
  databaseUrl?: string;
  /** An open pool on CARDFLOW_DATABASE_URL (shared with the process's other stores; not ended here). */
  pool?: Pool;
  documentsDir?: string;
  dataDir: string;
  /** Told when an idle database connection fails (the pool replaces it). */
  onIdleError?: (error: Error) => void;
}

export interface OpenedDocumentStore {
  store: DocumentStore;
  kind: 'postgres' | 'files';
  close(): Promise<void>;
}

export async function openDocumentStore(settings: DocumentStoreSettings): Promise<OpenedDocumentStore> {
  if (settings.pool || settings.databaseUrl) {
    const owned = settings.pool
      ? undefined
      : openDatabase(settings.databaseUrl as string, {
          ...(settings.onIdleError ? { onIdleError: settings.onIdleError } : {}),
        });
    const pool = settings.pool ?? (owned as Pool);
    try {
      await migrate(pool, DOCUMENT_MIGRATIONS);
    } catch (error) {
      await owned?.end();
      throw error;
    }
    return {
      store: new PostgresDocumentStore(pool, settings.keyring),
      kind: 'postgres',
      close: async () => {
        await owned?.end();
      },
    };
  }
  const dir = resolve(settings.documentsDir ?? join(settings.dataDir, 'documents'));
  return { store: new FileDocumentStore(dir, settings.keyring), kind: 'files', close: async () => undefined };
}
