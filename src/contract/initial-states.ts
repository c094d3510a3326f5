// The state each one-shot flow begins in. The workflows start their FlowTracker in it, and every
// door starts the flow with it as its CardState: the flow's first task then has nothing to upsert
// (one history event and one visibility write fewer per flow). Flows whose first state depends on
// their input (an activation) or their history (a continued card account) are not listed: they
// set it themselves. Zod-free: workflows import it.
import type { ClosureState } from './closure';
import type { DepositState } from './deposit';
import type { IssuanceState } from './issuance';
import type { KycState } from './kyc';

export const INITIAL_STATES = {
  kycVerification: 'SUBMITTING',
  virtualCardIssuance: 'CHECKING',
  cardDeposit: 'CHECKING',
  cardClosure: 'CLOSING',
} as const satisfies {
  kycVerification: KycState;
  virtualCardIssuance: IssuanceState;
  cardDeposit: DepositState;
  cardClosure: ClosureState;
};

/** The CardState a flow of `type` starts with, if it has a fixed one. */
export function initialStateOf(type: string): string | undefined {
  return (INITIAL_STATES as Record<string, string | undefined>)[type];
}
