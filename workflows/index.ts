// The product's workflow bundle: the workflow types of the public contract (src/contract/common.ts
// WORKFLOW_TYPES) and the internal document retention sweep its schedule starts. Test-only
// workflows live in test/fixtures/workflows/.
//
// Each workflow's module is loaded when that workflow runs, not when the bundle is imported. The
// SDK evaluates the bundle's modules afresh for every workflow execution, and evaluating every
// workflow's contract schemas made each workflow start cost the worker about 9 ms of CPU
// (docs/benchmark.md); one workflow's own modules cost about a third of that. Loading code
// issues no command, so this changes nothing a history records.
/* eslint-disable @typescript-eslint/no-require-imports -- the lazy loading described above */
import type * as CardAccount from './card-account';
import type * as CardClosure from './card-closure';
import type * as CardDeposit from './card-deposit';
import type * as KycVerification from './kyc-verification';
import type * as PhysicalCardActivation from './physical-card-activation';
import type * as VirtualCardIssuance from './virtual-card-issuance';
import { declareVersioningBehaviors } from './versioning';

export function cardAccount(...args: Parameters<typeof CardAccount.cardAccount>) {
  return (require('./card-account') as typeof CardAccount).cardAccount(...args);
}

export function cardClosure(...args: Parameters<typeof CardClosure.cardClosure>) {
  return (require('./card-closure') as typeof CardClosure).cardClosure(...args);
}

export function cardDeposit(...args: Parameters<typeof CardDeposit.cardDeposit>) {
  return (require('./card-deposit') as typeof CardDeposit).cardDeposit(...args);
}

export { documentRetention } from './document-retention';

export function kycVerification(...args: Parameters<typeof KycVerification.kycVerification>) {
  return (require('./kyc-verification') as typeof KycVerification).kycVerification(...args);
}

export function physicalCardActivation(
  ...args: Parameters<typeof PhysicalCardActivation.physicalCardActivation>
) {
  return (require('./physical-card-activation') as typeof PhysicalCardActivation).physicalCardActivation(
    ...args,
  );
}

export function virtualCardIssuance(...args: Parameters<typeof VirtualCardIssuance.virtualCardIssuance>) {
  return (require('./virtual-card-issuance') as typeof VirtualCardIssuance).virtualCardIssuance(...args);
}

declareVersioningBehaviors({
  cardAccount,
  cardClosure,
  cardDeposit,
  kycVerification,
  physicalCardActivation,
  virtualCardIssuance,
});
