// The one registry of provider steps. Each workflow file tells the provider-neutral story and
// asks here for its provider's steps (workflows/<provider>/<flow>.ts); adding an issuer means a
// folder of steps and an entry below, no workflow edit (docs/adding-a-provider.md).
//
// A provider's steps load when a flow asks for them, not when the bundle is imported, for the
// reason workflows/index.ts gives: the SDK evaluates a workflow's modules for every execution.
// Loading code issues no command, so this changes nothing a history records.
/* eslint-disable @typescript-eslint/no-require-imports -- the lazy loading described above */
import type { ActivationParsedInput } from '../src/contract/activation';
import type { Provider } from '../src/contract/common';
import type { IssuanceParsedInput } from '../src/contract/issuance';
import type { KycParsedInput } from '../src/contract/kyc';
import type * as KazepayAccount from './kazepay/account';
import type * as KazepayActivation from './kazepay/activation';
import type * as KazepayClosure from './kazepay/closure';
import type * as KazepayDeposit from './kazepay/deposit';
import type * as KazepayKyc from './kazepay/kyc';
import type { AccountSteps } from './steps/account';
import type { ActivationSteps } from './steps/activation';
import type { ClosureSteps } from './steps/closure';
import type { DepositSteps } from './steps/deposit';
import type { IssuanceSteps } from './steps/issuance';
import type { KycSteps } from './steps/kyc';
import { unsupported } from './steps/unsupported';
import type * as WasabiAccount from './wasabi/account';
import type * as WasabiActivation from './wasabi/activation';
import type * as WasabiClosure from './wasabi/closure';
import type * as WasabiDeposit from './wasabi/deposit';
import type * as WasabiIssuance from './wasabi/issuance';
import type * as WasabiKyc from './wasabi/kyc';

/** The input variant of provider `P` in a contract whose inputs differ per provider. */
type Of<I, P extends Provider> = Extract<I, { provider: P }>;

/** The steps each flow needs from provider `P`, typed by that provider's own input. */
interface ProviderSteps<P extends Provider> {
  deposit: DepositSteps;
  kyc: KycSteps<Of<KycParsedInput, P>>;
  activation: ActivationSteps<Of<ActivationParsedInput, P>>;
  issuance: IssuanceSteps<Of<IssuanceParsedInput, P>>;
  closure: ClosureSteps;
  account: AccountSteps;
}

type Flow = keyof ProviderSteps<Provider>;

type Registry = { [P in Provider]: { [F in Flow]: () => ProviderSteps<P>[F] } };

const REGISTRY: Registry = {
  kazepay: {
    deposit: () => (require('./kazepay/deposit') as typeof KazepayDeposit).kazepayDeposit,
    kyc: () => (require('./kazepay/kyc') as typeof KazepayKyc).kazepayKyc,
    activation: () => (require('./kazepay/activation') as typeof KazepayActivation).kazepayActivation,
    issuance: unsupported('virtualCardIssuance', 'KazePay issues no virtual cards'),
    closure: () => (require('./kazepay/closure') as typeof KazepayClosure).kazepayClosure,
    account: () => (require('./kazepay/account') as typeof KazepayAccount).kazepayAccount,
  },
  wasabi: {
    deposit: () => (require('./wasabi/deposit') as typeof WasabiDeposit).wasabiDeposit,
    kyc: () => (require('./wasabi/kyc') as typeof WasabiKyc).wasabiKyc,
    activation: () => (require('./wasabi/activation') as typeof WasabiActivation).wasabiActivation,
    issuance: () => (require('./wasabi/issuance') as typeof WasabiIssuance).wasabiIssuance,
    closure: () => (require('./wasabi/closure') as typeof WasabiClosure).wasabiClosure,
    account: () => (require('./wasabi/account') as typeof WasabiAccount).wasabiAccount,
  },
};

/**
 * The steps `provider` takes in `flow`. Called with an input's own provider, so the steps of the
 * provider the input names get the input variant of that provider (the one cast below).
 */
export function stepsFor<P extends Provider, F extends Flow>(provider: P, flow: F): ProviderSteps<P>[F] {
  return REGISTRY[provider][flow]() as ProviderSteps<P>[F];
}
