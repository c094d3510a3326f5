// The lifecycle both arms drive, with the same settings: a WasabiCard customer from KYC to a
// closed card.
//
//   KYC        cardholder created → review pending (wait_audit → under_review → pass_audit)
//   issuance   card type and cardholder checked → virtual card ordered → order pending → success
//   deposit    card and card type checked → deposit ordered → order pending → success
//   closure    cancel ordered → order pending → success (balance refunded)
//
// Every wait polls the provider at `pollInterval`; the sandbox runs at `timeScale`, so each
// pending state is seen by at least one poll. The poll interval is 1 s because the Temporal server
// does not retry an activity sooner than 1 s after a failure (a 100 ms or 300 ms retry interval is
// served after about 1 s), and the workflows poll by retrying: a shorter interval would measure
// that floor, not the engine.
import type { Applicant } from '../../src/contract';
import { sampleApplicant } from '../demo/applicant';

export interface LifecycleSettings {
  /** A WasabiCard virtual card type that needs a cardholder (sandbox catalogue). */
  cardTypeId: string;
  initialDeposit: string;
  depositAmount: string;
  currency: string;
  /** Poll interval of every wait (contract duration). */
  pollInterval: string;
  pollIntervalMs: number;
  /** Deadline of every wait. */
  deadline: string;
  deadlineMs: number;
  /** Sandbox time scale: holder review 3 × 2 s, orders 1 s + 2 s, multiplied by this. */
  timeScale: number;
  /** Per-attempt HTTP timeout of the provider client (both arms). */
  clientTimeout: string;
  clientTimeoutMs: number;
}

export const DEFAULT_LIFECYCLE: LifecycleSettings = {
  cardTypeId: '111065',
  initialDeposit: '50',
  depositAmount: '25',
  currency: 'USD',
  pollInterval: '1s',
  pollIntervalMs: 1000,
  deadline: '5m',
  deadlineMs: 300_000,
  timeScale: 0.2,
  clientTimeout: '10s',
  clientTimeoutMs: 10_000,
};

/** One lifecycle's references: unique per run and index, opaque (no personal data). */
export function lifecycleRefs(runId: string, arm: string, index: number) {
  const base = `bench-${runId}-${arm}-${index}`;
  return {
    customerRef: `${base}-c`,
    requestRef: `${base}-card`,
    depositRef: `${base}-dep`,
    /** Workflow-id-like key the plain arm derives its merchantOrderNo values from. */
    key: base,
  };
}

/** The sample applicant with a unique email (WasabiCard refuses a reused email per card type). */
export function benchApplicant(unique: string): Applicant {
  return sampleApplicant(`${unique}@bench.example.com`);
}

/** What one lifecycle produced (both arms answer the same). */
export interface LifecycleOutcome {
  holderId: string;
  cardNo: string;
  depositOrderNo: string;
  refundAmount: string;
  /** Workflow ids (cardflow arm only), for fetching histories. */
  workflowIds?: string[];
}
