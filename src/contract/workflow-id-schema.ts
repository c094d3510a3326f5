// The schema of a cardflow workflow id (a path parameter, a CLI argument), apart from
// workflow-ids.ts so the workflows that derive ids construct no zod schema.
import { z } from 'zod';
import { ID_PREFIX } from './workflow-ids';

/** A workflow id of one of cardflow's flows, as `workflowIds` makes them (e.g. a path parameter). */
export const workflowIdSchema = z
  .string()
  .max(300)
  .regex(
    new RegExp(`^(${Object.values(ID_PREFIX).join('|')}):(kazepay|wasabi):[A-Za-z0-9._:-]+$`),
    'expected a cardflow workflow id such as kyc:wasabi:cust-1',
  );
