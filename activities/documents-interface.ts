// The document activities the workflows call (types only; activities/documents.ts implements them).
export interface DocumentActivities {
  /** Deletes these documents from the store (one already gone counts as deleted). */
  deleteDocuments(input: { refs: string[] }): Promise<{ deleted: number }>;
  /** Deletes every document stored longer ago than `retention` (e.g. `30d`). */
  sweepExpiredDocuments(input: { retention: string }): Promise<{ deleted: number; cutoff: string }>;
}
