// The activities the workflows call: one provider call or one check each. Workflows import
// these types only (`import type`), never the implementations.
//
// Conventions every implementation follows:
// - "until..." reads throw a retryable, BENIGN `StillPending` failure while the provider has not
//   finished, so a wait costs retries, not history events (see workflows/support/waits.ts);
// - provider errors travel as their class names (ProviderRejectedError, ...), which the workflow
//   maps onto the contract's failure types;
// - calls that move money or state and have no idempotency key (KazePay) throw
//   ProviderAmbiguousError when the outcome is unknown; the workflow reconciles by reading;
// - WasabiCard calls carry a merchantOrderNo derived from the workflow id and step, and each
//   attempt first looks the order up, so repeating one can never create a second order;
// - card numbers, CVVs and PINs never appear in arguments or results: handles and card ids only.
import type { DepositResult } from '../src/contract/deposit';
import type { DocumentActivities } from './documents-interface';
import type { KazepayActivities } from './kazepay/interface';
import type { WasabiActivities } from './wasabi/interface';

/**
 * Every activity a worker registers: each provider's (activities/<provider>/interface.ts), the
 * document store's retention, and Temporal's own.
 */
export interface CardflowActivities extends KazepayActivities, WasabiActivities, DocumentActivities {
  /**
   * The result of the deposit flow already under `workflowId` (StillPending while it runs);
   * Conflict when it was made with other terms.
   */
  followDeposit(input: { workflowId: string; amount: string; currency: string }): Promise<DepositResult>;
}
