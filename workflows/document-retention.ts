// The document retention sweep: started by the `cardflow-document-retention` Temporal Schedule
// (src/runtime/document-retention-schedule.ts), it deletes every identity document older than the
// retention age, whether or not its KYC finished. Internal: not part of the public contract.
import { idempotentSends } from './support/activities';

export interface DocumentRetentionInput {
  /** The age limit, e.g. `30d` (CARDFLOW_DOCUMENT_RETENTION). */
  retention: string;
}

/** Deletes the documents older than `retention`; answers how many and the cutoff used. */
export async function documentRetention(
  input: DocumentRetentionInput,
): Promise<{ deleted: number; cutoff: string }> {
  return await idempotentSends(
    `Delete identity documents older than ${input.retention}`,
  ).sweepExpiredDocuments({ retention: input.retention });
}
