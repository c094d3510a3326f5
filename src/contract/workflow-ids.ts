// Workflow ids derive from business keys, so starting the same thing twice addresses the same
// workflow. Each part is an opaque reference (see refSchema): ids are never encrypted.
// No zod here (workflows use these ids; the workflow id schema is in workflow-id-schema.ts).
import type { Provider, WorkflowType } from './common';
import { isNotCardNumber, isNotEmailLike, REF, REF_MESSAGE } from './rules';

/** The first part of each flow's workflow id: an id says which flow it addresses. */
export const ID_PREFIX: Record<WorkflowType, string> = {
  kycVerification: 'kyc',
  physicalCardActivation: 'activation',
  virtualCardIssuance: 'issuance',
  cardDeposit: 'deposit',
  cardClosure: 'closure',
  cardAccount: 'card',
};

/** `value` when it is a reference as refSchema accepts it; else refSchema's first complaint. */
const part = (label: string, value: string): string => {
  const problem =
    typeof value !== 'string'
      ? 'expected string'
      : !REF.test(value)
        ? REF_MESSAGE
        : !isNotEmailLike(value)
          ? 'must be an opaque reference, not an email'
          : !isNotCardNumber(value)
            ? 'must be an opaque reference, not a card number'
            : undefined;
  if (problem) throw new TypeError(`${label}: ${problem}`);
  return value;
};

export const workflowIds = {
  /** One KYC per provider and customer. */
  kycVerification: (provider: Provider, customerRef: string) =>
    `${ID_PREFIX.kycVerification}:${provider}:${part('customerRef', customerRef)}`,
  /** One activation per provider, customer and caller's request. */
  physicalCardActivation: (provider: Provider, customerRef: string, requestRef: string) =>
    `${ID_PREFIX.physicalCardActivation}:${provider}:${part('customerRef', customerRef)}:${part('requestRef', requestRef)}`,
  /** One issuance per customer and caller's request (WasabiCard). */
  virtualCardIssuance: (provider: Provider, customerRef: string, requestRef: string) =>
    `${ID_PREFIX.virtualCardIssuance}:${provider}:${part('customerRef', customerRef)}:${part('requestRef', requestRef)}`,
  /** One deposit per card and caller's deposit reference. */
  cardDeposit: (provider: Provider, cardRef: string, depositRef: string) =>
    `${ID_PREFIX.cardDeposit}:${provider}:${part('cardRef', cardRef)}:${part('depositRef', depositRef)}`,
  /** A card is closed once. */
  cardClosure: (provider: Provider, cardRef: string) =>
    `${ID_PREFIX.cardClosure}:${provider}:${part('cardRef', cardRef)}`,
  /** One long-lived account workflow per card. */
  cardAccount: (provider: Provider, cardRef: string) =>
    `${ID_PREFIX.cardAccount}:${provider}:${part('cardRef', cardRef)}`,
};

/** Whether `workflowId` is one of `type`'s ids. */
export const isWorkflowIdOf = (type: WorkflowType, workflowId: string): boolean =>
  workflowId.startsWith(`${ID_PREFIX[type]}:`);

/**
 * A provider order key (WasabiCard `merchantOrderNo`) for one step of one workflow: derived from
 * the workflow id and the step, never the run id (continue-as-new and resets change it) nor the
 * attempt. Letters and digits only, 32 characters: inside every WasabiCard length rule (15-65
 * for card operations, 20-40 for holders and transfers). The digest is FNV-1a, which keeps this
 * module free of Node built-ins and so usable inside workflows.
 */
export function providerOrderKey(workflowId: string, step: string): string {
  return `cf${fnv1a128Hex(`${workflowId}#${step}`)}`.slice(0, 32);
}

/** 128-bit FNV-1a as hex: deterministic, dependency-free, fine for keys (not for security). */
export function fnv1a128Hex(text: string): string {
  let hash = 0x6c62272e07bb014262b821756295c58dn;
  const prime = 0x0000000001000000000000000000013bn;
  const mask = (1n << 128n) - 1n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * prime) & mask;
  }
  return hash.toString(16).padStart(32, '0');
}
