// How long identity documents are kept, and how often the retention schedule sweeps them.
import { z } from 'zod';
import { durationSchema } from '../contract/common';

export const documentRetentionEnvSchema = z.object({
  /** Documents older than this are deleted by the retention schedule (`30d`, `12h`, ...). */
  CARDFLOW_DOCUMENT_RETENTION: durationSchema.default('30d'),
  /** How often the schedule's sweep runs. */
  CARDFLOW_DOCUMENT_SWEEP_INTERVAL: durationSchema.default('1h'),
  /** `on`: each worker creates (or updates) the schedule at start; `off`: it is managed elsewhere. */
  CARDFLOW_DOCUMENT_RETENTION_SCHEDULE: z.enum(['on', 'off']).default('on'),
});
export type DocumentRetentionConfig = z.output<typeof documentRetentionEnvSchema>;
