// kycInputSchema as a plain check (see rules.ts).
import type { KycParsedInput } from '../kyc';
import {
  duration,
  type Rule,
  FAIL,
  literal,
  matching,
  object,
  oneOf,
  passed,
  reconcileOptions,
  ref,
  sized,
  waitOptions,
} from './rules';

/** zod's `z.email()` pattern (zod's `regexes.email`; test/unit/input-checks.test.ts compares them). */
export const EMAIL =
  // eslint-disable-next-line no-useless-escape -- zod's pattern character for character
  /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;

const isoCountry = matching(/^[A-Z]{2}$/);
const isoDate = matching(/^\d{4}-\d{2}-\d{2}$/);
const documentRef = object({ ref: matching(/^[A-Za-z0-9._:/-]{1,200}$/) });

const applicant = object(
  {
    email: matching(EMAIL),
    mobile: object({ prefix: matching(/^\d{1,4}$/), number: matching(/^\d{4,15}$/), country: isoCountry }),
    firstName: sized(1, 64),
    lastName: sized(1, 64),
    dateOfBirth: isoDate,
    address: object(
      {
        line: sized(1, 140),
        city: sized(1, 64),
        state: sized(1, 64),
        postCode: sized(1, 16),
        country: isoCountry,
      },
      { cityCode: sized(0, 32) },
    ),
    identification: object(
      {
        type: oneOf(['PASSPORT', 'ID_CARD', 'DRIVING_LICENCE', 'HK_HKID']),
        number: sized(1, 64),
        expiryDate: isoDate,
      },
      { issueDate: isoDate },
    ),
  },
  {
    nationality: isoCountry,
    gender: oneOf(['M', 'F']),
    occupation: sized(0, 64),
    annualSalary: sized(0, 64),
    accountPurpose: sized(0, 128),
    expectedMonthlyVolume: sized(0, 64),
    ipAddress: sized(0, 64),
  },
);

const documents = object({ front: documentRef }, { back: documentRef, selfie: documentRef });

const common = { customerRef: ref, applicant };
const commonOptional = { review: waitOptions, reconcile: reconcileOptions, documents };

const byProvider: Record<string, Rule> = {
  kazepay: object({ provider: literal('kazepay'), ...common }, commonOptional, {
    mode: { rule: oneOf(['documents', 'hosted']), value: 'documents' },
  }),
  wasabi: object(
    { provider: literal('wasabi'), ...common, cardTypeId: matching(/^\d{1,19}$/) },
    { ...commonOptional, resubmissionWindow: duration },
    { cardHolderModel: { rule: oneOf(['B2C', 'B2B']), value: 'B2C' } },
  ),
};

const kycInput: Rule = (value) => {
  const provider = (value as { provider?: unknown } | null)?.provider;
  const rule =
    typeof provider === 'string' && Object.prototype.hasOwnProperty.call(byProvider, provider)
      ? byProvider[provider]
      : undefined;
  return rule ? rule(value) : FAIL;
};

/** The input as kycInputSchema parses it, when the plain check passes it; else undefined. */
export const checkKycInput = (raw: unknown): KycParsedInput | undefined =>
  passed<KycParsedInput>(kycInput, raw);
