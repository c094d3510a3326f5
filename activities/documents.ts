// The document store's retention, as activities: the KYC flow deletes the documents the provider
// has accepted, and the retention schedule's workflow deletes whatever outlived the age limit.
import { durationToMs } from '../src/contract/common';
import type { DocumentStore } from '../src/documents/document-store';
import type { DocumentActivities } from './documents-interface';

export function createDocumentActivities(documents: DocumentStore): DocumentActivities {
  return {
    async deleteDocuments({ refs }) {
      for (const ref of refs) await documents.delete(ref);
      return { deleted: refs.length };
    },

    async sweepExpiredDocuments({ retention }) {
      const maxAgeMs = durationToMs(retention);
      if (!(maxAgeMs > 0))
        throw new Error(`retention must be a duration such as 30d, got ${retention.slice(0, 20)}`);
      const cutoff = new Date(Date.now() - maxAgeMs);
      const deleted = await documents.deleteOlderThan(cutoff);
      return { deleted, cutoff: cutoff.toISOString() };
    },
  };
}
