// The one-line static summary each flow carries (shown in the Temporal Web UI next to the
// workflow). Built from business keys only: never a name, email, card number or PIN.
import type { WorkflowType } from './common';

interface SummaryFields {
  provider?: unknown;
  customerRef?: unknown;
  cardRef?: unknown;
  requestRef?: unknown;
  depositRef?: unknown;
  amount?: unknown;
  currency?: unknown;
  initialDeposit?: unknown;
}

export function flowSummary(type: WorkflowType, input: SummaryFields): string {
  const p = (value: unknown) => String(value ?? '?');
  const by = `(${p(input.provider)})`;
  switch (type) {
    case 'kycVerification':
      return `KYC of customer ${p(input.customerRef)} ${by}`;
    case 'physicalCardActivation':
      return `Card activation ${p(input.requestRef)} for customer ${p(input.customerRef)} ${by}`;
    case 'virtualCardIssuance':
      return `Virtual card ${p(input.requestRef)} for customer ${p(input.customerRef)}, ${p(input.initialDeposit)} initial deposit ${by}`;
    case 'cardDeposit':
      return `Deposit ${p(input.depositRef)} of ${p(input.amount)} ${p(input.currency)} to card ${p(input.cardRef)} ${by}`;
    case 'cardClosure':
      return `Closure of card ${p(input.cardRef)} ${by}`;
    case 'cardAccount':
      return `Card account ${p(input.cardRef)} ${by}`;
  }
}
