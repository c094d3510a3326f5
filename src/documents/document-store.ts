// Identity documents travel by reference: the bytes sit in a document store and only a `doc:`
// reference enters workflow history. Every store keeps them encrypted (sealed-document.ts): the
// PostgreSQL one that every machine of a deployment shares (CARDFLOW_DATABASE_URL), and the
// file-system one of the dev stack (open-document-store.ts chooses).
export interface StoredDocument {
  bytes: Buffer;
  contentType: string;
  fileName: string;
}

export class DocumentNotFoundError extends Error {
  override name = 'DocumentNotFoundError';
}

export interface DocumentStore {
  /** Encrypts and stores the document; returns a new reference such as `doc:3f2a...`. */
  put(document: StoredDocument): Promise<string>;
  get(ref: string): Promise<StoredDocument>;
  /** Deleting a document that is gone already is not an error. */
  delete(ref: string): Promise<void>;
  /** Deletes every document stored before `cutoff`; answers how many. */
  deleteOlderThan(cutoff: Date): Promise<number>;
}

const REF = /^doc:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The id inside a `doc:` reference; a malformed one is not found (its text cut short). */
export function documentIdOf(ref: string): string {
  const match = REF.exec(ref);
  if (!match) throw new DocumentNotFoundError(`not a document reference: ${ref.slice(0, 80)}`);
  return match[1] as string;
}
