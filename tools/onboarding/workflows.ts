// The onboarding example: another team's workflow, in its own namespace, that calls cardflow only
// through the `cardflow` Nexus endpoint. KYC, then a virtual card for the cardholder, then a first
// deposit; each step waits on cardflow's flow and cancelling onboarding cancels the step running.
import { createNexusServiceClient, log } from '@temporalio/workflow';
import type {
  Applicant,
  DepositInput,
  DepositResult,
  IssuanceResult,
  KycResult,
  WaitOptions,
} from '../../src/contract';
import type { OperationKey } from 'nexus-rpc';
import { CARDFLOW_NEXUS_ENDPOINT, type CardflowService, cardflowService } from '../../src/nexus/service';

type CardflowOperation = OperationKey<CardflowService['operations']>;

export interface OnboardingInput {
  customerRef: string;
  applicant: Applicant;
  /** WasabiCard card type (one that needs a cardholder). */
  cardTypeId: string;
  /** The card's first load, then the first deposit and its caller reference. */
  initialDeposit: string;
  firstDeposit: { depositRef: string; amount: string; currency: string };
  /** Poll intervals for cardflow's waits (the demo and tests use short ones). */
  waits?: WaitOptions;
}

export interface OnboardingResult {
  kyc: KycResult;
  card?: IssuanceResult;
  deposit?: DepositResult;
}

export async function onboarding(input: OnboardingInput): Promise<OnboardingResult> {
  const cardflow = createNexusServiceClient({ endpoint: CARDFLOW_NEXUS_ENDPOINT, service: cardflowService });
  const waits = input.waits ? { ...input.waits } : undefined;
  // A whole cardflow flow may take its provider's time: the operation bounds it, not the request.
  const options = { scheduleToCloseTimeout: '1 day' } as const;

  const kyc = await cardflow.executeOperation(
    'kycVerification',
    {
      provider: 'wasabi',
      customerRef: input.customerRef,
      cardTypeId: input.cardTypeId,
      applicant: input.applicant,
      ...(waits ? { review: waits } : {}),
    },
    options,
  );
  if (kyc.outcome !== 'PASSED') return { kyc };
  log.info('cardholder passed', { customerRef: input.customerRef });

  const card = await cardflow.executeOperation(
    'virtualCardIssuance',
    {
      provider: 'wasabi',
      customerRef: input.customerRef,
      // One onboarding opens one card: the request reference is the customer's.
      requestRef: `onboarding-${input.customerRef}`,
      cardTypeId: input.cardTypeId,
      initialDeposit: input.initialDeposit,
      ...(kyc.holderId ? { holderId: kyc.holderId } : {}),
      ...(waits ? { order: waits } : {}),
    },
    options,
  );
  if (card.outcome !== 'ISSUED' || !card.cardRef) return { kyc, card };

  const deposit = await cardflow.executeOperation(
    'cardDeposit',
    {
      provider: 'wasabi',
      cardRef: card.cardRef,
      customerRef: input.customerRef,
      ...input.firstDeposit,
      ...(waits ? { settlement: waits } : {}),
    },
    options,
  );
  return { kyc, card, deposit };
}

/** One deposit through the endpoint: how the onboarding team tops a card up later. */
export async function topUp(input: DepositInput): Promise<DepositResult> {
  const cardflow = createNexusServiceClient({ endpoint: CARDFLOW_NEXUS_ENDPOINT, service: cardflowService });
  return cardflow.executeOperation('cardDeposit', input, { scheduleToCloseTimeout: '1 day' });
}

/** Any operation of the service by name (the sync ones: the account's and the reads). */
export async function callCardflow(operation: CardflowOperation, input: unknown): Promise<unknown> {
  const cardflow = createNexusServiceClient({ endpoint: CARDFLOW_NEXUS_ENDPOINT, service: cardflowService });
  return cardflow.executeOperation(operation, input as never, { scheduleToCloseTimeout: '1 minute' });
}
