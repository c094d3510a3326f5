// What the API accepts to start each flow: the contract's input schemas, except that secrets are
// taken as values (a PIN, a printed card number) and put into the secret store by the API, so only
// handles reach the workflow. Each entry knows the flow's id rule and which fields identify it.
import { z } from 'zod';
import {
  activationInputSchema,
  cardAccountInputSchema,
  closureInputSchema,
  Decimal,
  depositInputSchema,
  issuanceInputSchema,
  kycInputSchema,
  workflowIds,
  WORKFLOW_TYPES,
  type WorkflowType,
} from '../contract';
import type { SecretStore } from '../security/secret-store';

/** A PIN as the cardholder chose it (providers check their own rules: six digits, no runs). */
export const pinSchema = z.string().regex(/^\d{4,12}$/, 'expected 4-12 digits');
/** A printed card number (KazePay physical cards): 12-19 digits. */
export const cardNumberSchema = z.string().regex(/^\d{12,19}$/, 'expected 12-19 digits');

const [kazepayActivation, wasabiActivation] = activationInputSchema.options;
export const activationStartSchema = z.discriminatedUnion('provider', [
  kazepayActivation.omit({ pinHandle: true, cardNumberHandle: true }).extend({
    /** The PIN to set once the card is active; better given with the code (handles live ≤ 15 min). */
    pin: pinSchema.optional(),
    cardNumber: cardNumberSchema,
  }),
  wasabiActivation.omit({ pinHandle: true }).extend({ pin: pinSchema.optional() }),
]);

export const cardAccountStartSchema = cardAccountInputSchema.omit({ carried: true });

export interface FlowSpec {
  type: WorkflowType;
  body: z.ZodType;
  /** The contract's input schema: how a stored workflow input is read back. */
  stored: z.ZodType;
  /** The workflow id from the business keys. */
  id(input: Record<string, unknown>): string;
  /** Search attributes known at start (the flow sets them itself too). */
  refs(input: Record<string, unknown>): { customerRef?: string; cardRef?: string };
  /** The workflow input: secrets replaced by handles. */
  args(input: Record<string, unknown>, secrets: SecretStore): Promise<Record<string, unknown>>;
  /** The fields that make two starts "the same request" (handles differ on every call). */
  comparable(input: Record<string, unknown>): Record<string, unknown>;
}

const str = (v: unknown) => v as string;
const withoutKeys = (input: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(Object.entries(input).filter(([k]) => !keys.includes(k)));
const same = async (input: Record<string, unknown>) => input;

export const FLOW_SPECS = {
  kyc: {
    type: WORKFLOW_TYPES.kycVerification,
    body: kycInputSchema,
    stored: kycInputSchema,
    id: (i) => workflowIds.kycVerification(i.provider as 'kazepay', str(i.customerRef)),
    refs: (i) => ({ customerRef: str(i.customerRef) }),
    args: same,
    comparable: (i) => i,
  },
  activation: {
    type: WORKFLOW_TYPES.physicalCardActivation,
    body: activationStartSchema,
    stored: activationInputSchema,
    id: (i) =>
      workflowIds.physicalCardActivation(i.provider as 'kazepay', str(i.customerRef), str(i.requestRef)),
    refs: (i) => ({ customerRef: str(i.customerRef), ...(i.cardRef ? { cardRef: str(i.cardRef) } : {}) }),
    async args(i, secrets) {
      const { pin, cardNumber, ...rest } = i;
      return {
        ...rest,
        ...(pin ? { pinHandle: await secrets.put(str(pin), { purpose: 'pin' }) } : {}),
        ...(cardNumber
          ? { cardNumberHandle: await secrets.put(str(cardNumber), { purpose: 'card-number' }) }
          : {}),
      };
    },
    // A stored input holds handles, a request holds values: neither identifies the request.
    comparable: (i) => withoutKeys(i, ['pin', 'cardNumber', 'pinHandle', 'cardNumberHandle']),
  },
  issuance: {
    type: WORKFLOW_TYPES.virtualCardIssuance,
    body: issuanceInputSchema,
    stored: issuanceInputSchema,
    id: (i) => workflowIds.virtualCardIssuance('wasabi', str(i.customerRef), str(i.requestRef)),
    refs: (i) => ({ customerRef: str(i.customerRef) }),
    args: same,
    comparable: (i) => i,
  },
  deposit: {
    type: WORKFLOW_TYPES.cardDeposit,
    body: depositInputSchema,
    stored: depositInputSchema,
    id: (i) => workflowIds.cardDeposit(i.provider as 'kazepay', str(i.cardRef), str(i.depositRef)),
    refs: (i) => ({ cardRef: str(i.cardRef), ...(i.customerRef ? { customerRef: str(i.customerRef) } : {}) }),
    args: same,
    // A depositRef is the same deposit whichever door started it (the account sets other wait
    // options): only its terms must match, and a repeat answers the first flow.
    comparable: (i) => ({
      provider: i.provider,
      cardRef: i.cardRef,
      depositRef: i.depositRef,
      amount: new Decimal(str(i.amount)).toString(),
      currency: i.currency,
    }),
  },
  closure: {
    type: WORKFLOW_TYPES.cardClosure,
    body: closureInputSchema,
    stored: closureInputSchema,
    id: (i) => workflowIds.cardClosure(i.provider as 'kazepay', str(i.cardRef)),
    refs: (i) => ({ cardRef: str(i.cardRef), ...(i.customerRef ? { customerRef: str(i.customerRef) } : {}) }),
    args: same,
    comparable: (i) => i,
  },
  'card-account': {
    type: WORKFLOW_TYPES.cardAccount,
    body: cardAccountStartSchema,
    stored: cardAccountInputSchema,
    id: (i) => workflowIds.cardAccount(i.provider as 'kazepay', str(i.cardRef)),
    refs: (i) => ({ cardRef: str(i.cardRef), customerRef: str(i.customerRef) }),
    args: same,
    // Continue-as-new rewrites the input (`carried`): compare the identifying fields only.
    comparable: (i) => ({
      provider: i.provider,
      cardRef: i.cardRef,
      customerRef: i.customerRef,
      currency: i.currency,
    }),
  },
} satisfies Record<string, FlowSpec>;

export type FlowKind = keyof typeof FLOW_SPECS;

/** The prefix of each flow's workflow id (`workflow-ids.ts`). */
export const ID_PREFIX: Record<WorkflowType, string> = {
  kycVerification: 'kyc',
  physicalCardActivation: 'activation',
  virtualCardIssuance: 'issuance',
  cardDeposit: 'deposit',
  cardClosure: 'closure',
  cardAccount: 'card',
};

/** A workflow id of one of cardflow's flows (path parameter). */
export const workflowIdSchema = z
  .string()
  .max(300)
  .regex(
    /^(kyc|activation|issuance|deposit|closure|card):(kazepay|wasabi):[A-Za-z0-9._:-]+$/,
    'expected a cardflow workflow id such as kyc:wasabi:cust-1',
  );

/** The path parameters of a route addressing one flow by its workflow id. */
export const flowIdParams = z.object({ id: workflowIdSchema });

/** Deterministic JSON (sorted keys) for comparing two inputs. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
