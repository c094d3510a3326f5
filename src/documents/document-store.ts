// Identity documents travel by reference: the bytes sit in a document store and only a `doc:`
// reference enters workflow history. The file-system store is the default; another store
// (object storage) implements the same interface.
export interface StoredDocument {
  bytes: Buffer;
  contentType: string;
  fileName: string;
}

export class DocumentNotFoundError extends Error {
  override name = 'DocumentNotFoundError';
}

export interface DocumentStore {
  /** Stores the bytes and returns a new reference such as `doc:3f2a...`. */
  put(document: StoredDocument): Promise<string>;
  get(ref: string): Promise<StoredDocument>;
  delete(ref: string): Promise<void>;
}
