// Shared vocabulary of the public contract. Everything here is plain JSON so any Temporal SDK,
// the `temporal` CLI or the HTTP API can start and steer cardflow's workflows.
import { z } from 'zod';
import {
  DURATION,
  durationToMs,
  isNotCardNumber,
  isNotEmailLike,
  MIN_POLL_INTERVAL_MS,
  PROVIDERS,
  REF,
  REF_MESSAGE,
} from './rules';

export { durationToMs, MIN_POLL_INTERVAL_MS, PROVIDERS };

/** The one task queue every cardflow workflow and activity runs on. */
export const TASK_QUEUE = 'card-lifecycle';

export const providerSchema = z.enum(PROVIDERS);
export type Provider = z.infer<typeof providerSchema>;

/** Workflow type names: other services and other SDKs use exactly these strings. */
export const WORKFLOW_TYPES = {
  kycVerification: 'kycVerification',
  physicalCardActivation: 'physicalCardActivation',
  virtualCardIssuance: 'virtualCardIssuance',
  cardDeposit: 'cardDeposit',
  cardClosure: 'cardClosure',
  cardAccount: 'cardAccount',
} as const;
export type WorkflowType = (typeof WORKFLOW_TYPES)[keyof typeof WORKFLOW_TYPES];

/**
 * An opaque business reference chosen by the caller (customer id, request id) or issued by the
 * provider (card id). It becomes part of workflow ids and search attributes, which are never
 * encrypted, so it must not be personal or card data: no emails, no card numbers.
 */
export const refSchema = z
  .string()
  .regex(REF, REF_MESSAGE)
  .refine(isNotEmailLike, 'must be an opaque reference, not an email')
  .refine(isNotCardNumber, 'must be an opaque reference, not a card number');

/** Durations in Temporal's format: `30s`, `5m`, `2h`, `7d`, `250ms`; never zero. */
export const durationSchema = z
  .string()
  .regex(DURATION, 'expected a duration such as 30s, 5m, 2h or 7d')
  .refine((v) => !DURATION.test(v) || durationToMs(v) > 0, 'must be longer than 0');

/** How a wait on the provider is bounded and paced. */
export const waitOptionsSchema = z.object({
  /** The whole wait ends in `DeadlineExceeded` after this long. */
  deadline: durationSchema.optional(),
  /** Time between two reads of the provider's state while it is pending: at least 100ms. */
  pollInterval: durationSchema
    .refine(
      (v) => !DURATION.test(v) || durationToMs(v) >= MIN_POLL_INTERVAL_MS,
      `must be at least ${MIN_POLL_INTERVAL_MS}ms`,
    )
    .optional(),
});
export type WaitOptions = z.infer<typeof waitOptionsSchema>;

/**
 * How a call whose outcome is unknown (timed out, connection cut) is reconciled: the provider is
 * read after `settle` and once more after another `settle` before anything is sent again; when
 * the reads cannot tell, the flow waits in NEEDS_RECONCILIATION for an operator, at most
 * `resolveWithin` (then OutcomeUnknown).
 */
export const reconcileOptionsSchema = z.object({
  settle: durationSchema.optional(),
  resolveWithin: durationSchema.optional(),
});
export type ReconcileOptions = z.infer<typeof reconcileOptionsSchema>;

/** A document (identity image) stored by the document store; only the reference enters history. */
export const documentRefSchema = z.object({
  ref: z.string().regex(/^[A-Za-z0-9._:/-]{1,200}$/, 'expected a document store reference'),
});
export type DocumentRef = z.infer<typeof documentRefSchema>;

/** A short-lived, single-use handle to a secret (a PIN) held by the secret store, never the value. */
export const secretHandleSchema = z
  .string()
  .regex(/^(pin|sec)_[A-Za-z0-9_-]{20,100}$/, 'expected a secret handle');

/** What every flow answers to the `state` query, and mirrors to the CardState search attribute. */
export interface FlowStatus<State extends string = string> {
  flow: WorkflowType;
  provider: Provider;
  state: State;
  /** Workflow time of the last state change (ISO 8601). */
  since: string;
  /** Operator-readable detail of the current state (no personal or card data). */
  detail?: string;
}
