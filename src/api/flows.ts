// What the API accepts to start each flow: the contract's input schemas, except that secrets are
// taken as values (a PIN, a printed card number) and put into the secret store by the API, so only
// handles reach the workflow. Each entry knows which fields identify the request; the id, the id
// policy and the search attributes are the typed client's (src/client/flow-types.ts, starts.ts).
import { z } from 'zod';
import {
  activationInputSchema,
  cardAccountInputSchema,
  closureInputSchema,
  Decimal,
  depositInputSchema,
  issuanceInputSchema,
  kycInputSchema,
  workflowIdSchema,
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
  /**
   * For a request that carries secrets, the workflow input with them stored and replaced by
   * handles: the start then describes the id first, and stores them only if it is free. Absent,
   * the request is the input and the start goes first (one call for a fresh id).
   */
  args?: (input: Record<string, unknown>, secrets: SecretStore) => Promise<Record<string, unknown>>;
  /** The fields that make two starts "the same request" (handles differ on every call). */
  comparable(input: Record<string, unknown>): Record<string, unknown>;
}

const str = (v: unknown) => v as string;
const withoutKeys = (input: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(Object.entries(input).filter(([k]) => !keys.includes(k)));

export const FLOW_SPECS = {
  kyc: {
    type: WORKFLOW_TYPES.kycVerification,
    body: kycInputSchema,
    comparable: (i) => i,
  },
  activation: {
    type: WORKFLOW_TYPES.physicalCardActivation,
    body: activationStartSchema,
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
    comparable: (i) => i,
  },
  deposit: {
    type: WORKFLOW_TYPES.cardDeposit,
    body: depositInputSchema,
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
    comparable: (i) => i,
  },
  'card-account': {
    type: WORKFLOW_TYPES.cardAccount,
    body: cardAccountStartSchema,
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
