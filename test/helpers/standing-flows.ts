// Inputs and endings for the standing tests (test/integration/*-standing.test.ts): a valid input
// of each flow type under fresh business keys, and a way to close a stand-in run
// (test/fixtures/workflows/standing-workflows.ts) as a test needs it.
import type { WorkflowHandle } from '@temporalio/client';
import { FLOW_TYPES } from '../../src/client/flow-types';
import type { WorkflowType } from '../../src/contract';
import { endAs, type Ending } from '../fixtures/workflows/standing-workflows';
import { applicant, uniqueRef } from './lifecycle-env';

/** A valid input of `type` under fresh business keys (`amount` for a deposit's terms). */
export function standingInput(type: WorkflowType, amount = '10') {
  const cardRef = uniqueRef('card');
  const customerRef = uniqueRef('cust');
  const raw = {
    kycVerification: {
      provider: 'wasabi',
      customerRef,
      cardTypeId: '111065',
      applicant: applicant(customerRef),
    },
    physicalCardActivation: { provider: 'wasabi', customerRef, requestRef: uniqueRef('req'), cardRef },
    virtualCardIssuance: {
      provider: 'wasabi',
      customerRef,
      requestRef: uniqueRef('req'),
      cardTypeId: '111002',
      initialDeposit: '15',
    },
    cardDeposit: { provider: 'wasabi', cardRef, depositRef: uniqueRef('dep'), amount, currency: 'USD' },
    cardClosure: { provider: 'wasabi', cardRef },
    cardAccount: { provider: 'wasabi', cardRef, customerRef, currency: 'USD' },
  }[type];
  return FLOW_TYPES[type].schema.parse(raw) as Record<string, unknown>;
}

/** How a test closes a stand-in run: as the stand-in is told, or terminated, or cancelled. */
export type StandingEnding = Ending | 'terminate' | 'cancel';

/** Ends the run under `handle` as told and waits until it closed. */
export async function endStandIn(handle: WorkflowHandle, ending: StandingEnding) {
  if (ending === 'terminate') await handle.terminate('test');
  else if (ending === 'cancel') await handle.cancel();
  else await handle.signal(endAs, ending);
  await handle.result().catch(() => undefined);
}
