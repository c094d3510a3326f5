// The product's workflow bundle: exactly the workflow types of the public contract
// (src/contract/common.ts WORKFLOW_TYPES). Test-only workflows live in test/fixtures/workflows/.
export { cardAccount } from './card-account';
export { cardClosure } from './card-closure';
export { cardDeposit } from './card-deposit';
export { kycVerification } from './kyc-verification';
export { physicalCardActivation } from './physical-card-activation';
export { virtualCardIssuance } from './virtual-card-issuance';
