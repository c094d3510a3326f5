// Request field rules (spec §1.2, §1.5, §1.7), enforced before anything is signed or sent. Each
// message is the rule's name as it appears in a ProviderValidationError (`field: rule`). Values
// are never echoed: they can be personal data.
import { z } from 'zod';
import Decimal from 'decimal.js';
import { decimalString } from '../../../contract/money-schemas';

const ALNUM = /^[A-Za-z0-9]+$/;

/**
 * merchantOrderNo. Card operations: 15–65 (wrapper); holder v2 create and account transfer:
 * 20–40. The charset is UNCONFIRMED; letters and digits only is the safe subset of every source.
 * Generating 20–35 characters satisfies every documented range (the seed says 20–40 for openCard
 * and 20–35 for deposit).
 */
export const cardOrderNo = z
  .string({ message: 'required' })
  .min(15, 'length 15..65')
  .max(65, 'length 15..65')
  .regex(ALNUM, 'letters and digits only');
/** merchantOrderNo where the seed's field table gives the length (seed 002). */
const seedOrderNo = (min: number, max: number) =>
  z
    .string({ message: 'required' })
    .min(min, `length ${min}..${max}`)
    .max(max, `length ${min}..${max}`)
    .regex(ALNUM, 'letters and digits only');
/** Seed 002: openCard, v2/freeze and v2/unfreeze say "length[20...40]". */
export const orderNo20to40 = seedOrderNo(20, 40);
/** Seed 002: deposit says "length[20...35]". */
export const depositOrderNo = seedOrderNo(20, 35);

export const holderOrderNo = z
  .string({ message: 'required' })
  .min(20, 'length 20..40')
  .max(40, 'length 20..40')
  .regex(ALNUM, 'letters and digits only');

export const cardNo = z.string({ message: 'required' }).min(1, 'required').max(64, 'length 1..64');
export const clientRemark = z.string().max(50, 'length 0..50').optional();
/** Ids are Longs on the wire; accepted as digit strings (or safe integers) here. */
export const longIdInput = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform((v) => String(v))
  .pipe(z.string().regex(/^\d{1,19}$/, 'a numeric id (1..19 digits)'));

export const positiveDecimal = decimalString.refine((v) => new Decimal(v).gt(0), 'greater than 0');
export const nonNegativeDecimal = decimalString.refine((v) => new Decimal(v).gte(0), 'at least 0');

export const pageNum = z.number().int('an integer').min(1, 'at least 1').default(1);
export const pageSize = z
  .number()
  .int('an integer')
  .min(1, 'between 1 and 100')
  .max(100, 'between 1 and 100')
  .default(10);
export const epochMsInput = z.number().int('epoch milliseconds').nonnegative('epoch milliseconds');

/**
 * The PIN rules of spec §1.7: exactly six digits, no digit three times in a row, not a straight
 * ascending or descending run, no repeated 2- or 3-digit block (123123, 909090, 121212).
 */
export const pin = z.string({ message: 'required' }).superRefine((p, ctx) => {
  const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
  if (!/^\d{6}$/.test(p)) return fail('exactly 6 digits');
  if (/(\d)\1\1/.test(p)) fail('no digit three times in a row');
  if (isStraightRun(p)) fail('not an ascending or descending run');
  if (p.slice(0, 3) === p.slice(3, 6)) fail('no repeated 3-digit block');
  if (p.slice(0, 2) === p.slice(2, 4) && p.slice(2, 4) === p.slice(4, 6)) fail('no repeated 2-digit block');
});

function isStraightRun(p: string): boolean {
  const diffs = [...p].slice(1).map((c, i) => Number(c) - Number(p[i]));
  return diffs.every((d) => d === 1) || diffs.every((d) => d === -1);
}

const timeWindow = {
  startTime: epochMsInput.optional(),
  endTime: epochMsInput.optional(),
};

// --- card ------------------------------------------------------------------------------------

export const openCardRequest = z.object({
  merchantOrderNo: orderNo20to40,
  cardTypeId: longIdInput,
  holderId: longIdInput.optional(),
  amount: positiveDecimal.optional(),
  cardNumber: z.string().min(1).max(32, 'length 1..32').optional(),
  accountId: longIdInput.optional(),
});
export const createCardRequest = openCardRequest.extend({
  /** v2 createCard is not in the seed: the wrapper's 15..65. */
  merchantOrderNo: cardOrderNo,
  amount: positiveDecimal,
  designId: z.string().max(64, 'length 0..64').optional(),
});
export const cardInfoRequest = z.object({ cardNo, onlySimpleInfo: z.boolean().optional() });
export const cardNoRequest = z.object({ cardNo });
export const cardListRequest = z.object({
  pageNum,
  pageSize,
  cardNo: cardNo.optional(),
  status: z.string().optional(),
  cardTypeId: longIdInput.optional(),
  holderId: longIdInput.optional(),
  ...timeWindow,
});
/** cancel (not in the seed): the wrapper's 15..65. */
export const cardOrderRequest = z.object({ cardNo, merchantOrderNo: cardOrderNo, clientRemark });
/** v2/freeze and v2/unfreeze (seed 002): merchantOrderNo 20..40, clientRemark 0..50. */
export const freezeOrderRequest = z.object({ cardNo, merchantOrderNo: orderNo20to40, clientRemark });
export const depositRequest = z.object({ cardNo, merchantOrderNo: depositOrderNo, amount: positiveDecimal });
export const withdrawRequest = z.object({
  cardNo,
  merchantOrderNo: cardOrderNo,
  amount: positiveDecimal.refine((v) => new Decimal(v).gte('0.01'), 'at least 0.01'),
  clientRemark,
});
export const activeCardRequest = z.object({
  merchantOrderNo: cardOrderNo,
  cardNo,
  pin,
  activeCode: z.string({ message: 'required' }).min(1, 'required').max(64, 'length 1..64'),
  noPinPaymentAmount: nonNegativeDecimal
    .refine((v) => new Decimal(v).lte(2000), 'between 0 and 2000')
    .optional(),
});
export const updatePinRequest = z.object({ cardNo, merchantOrderNo: cardOrderNo, pin });
export const transactionQueryRequest = z.object({
  pageNum,
  pageSize,
  type: z.string().optional(),
  merchantOrderNo: z.string().min(1).max(65, 'length 1..65').optional(),
  orderNo: z.string().optional(),
  cardNo: cardNo.optional(),
  ...timeWindow,
});
/**
 * `type` of the v1 operation log (`/card/transaction`): required there (seed 002 marks it
 * `true`), with the values its request table lists, spelled as listed (`freeze` in lower case in
 * the request table, `Freeze` in the response table: the request's spelling is sent).
 */
export const V1_TRANSACTION_TYPES = {
  create: 'create',
  deposit: 'deposit',
  cancel: 'cancel',
  freeze: 'freeze',
  unfreeze: 'UnFreeze',
} as const;
export type V1TransactionType = (typeof V1_TRANSACTION_TYPES)[keyof typeof V1_TRANSACTION_TYPES];
const v1TypeValues = Object.values(V1_TRANSACTION_TYPES) as [V1TransactionType, ...V1TransactionType[]];

/** The v1 operation log (seed 002 "Card Transaction"): `type` required. */
export const transactionV1QueryRequest = transactionQueryRequest.extend({
  type: z.enum(v1TypeValues, { message: `required: one of ${v1TypeValues.join(', ')}` }),
});
export const purchaseTransactionRequest = z.object({
  pageNum,
  pageSize,
  merchantOrderNo: z.string().min(1).max(65, 'length 1..65').optional(),
  orderNo: z.string().optional(),
  ...timeWindow,
});
export const authTransactionQueryRequest = z.object({
  pageNum,
  pageSize,
  type: z.string().optional(),
  tradeNo: z.string().optional(),
  cardNo: cardNo.optional(),
  ...timeWindow,
});
export const authFeeTransactionQueryRequest = z.object({
  pageNum,
  pageSize,
  tradeType: z.string().optional(),
  tradeNo: z.string().optional(),
  originTradeNo: z.string().optional(),
  cardNo: cardNo.optional(),
  ...timeWindow,
});
export const simulateAuthRequest = z
  .object({
    cardNo,
    type: z.enum(['auth', 'refund', 'Void', 'maintain_fee'], {
      message: 'one of auth, refund, Void, maintain_fee',
    }),
    amount: positiveDecimal,
    currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code'),
    originSerialNumber: z.string().min(1).optional(),
    description: z.string().max(128, 'length 0..128').optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.type === 'Void' || v.type === 'refund') && !v.originSerialNumber)
      ctx.addIssue({ code: 'custom', path: ['originSerialNumber'], message: 'required for Void and refund' });
  });

// --- cardholder ------------------------------------------------------------------------------

const englishName = z
  .string({ message: 'required' })
  .min(2, 'length 2..32')
  .max(32, 'length 2..32')
  .regex(/^[A-Za-z]+$/, 'English letters only');

const holderPersonal = {
  cardTypeId: longIdInput,
  areaCode: z.string({ message: 'required' }).min(2, 'length 2..5').max(5, 'length 2..5'),
  mobile: z
    .string({ message: 'required' })
    .min(5, 'length 5..20')
    .max(20, 'length 5..20')
    .regex(/^\d+$/, 'digits only'),
  email: z
    .string({ message: 'required' })
    .min(5, 'length 5..50')
    .max(50, 'length 5..50')
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an email address'),
  firstName: englishName,
  lastName: englishName,
  birthday: z.string({ message: 'required' }).regex(/^\d{4}-\d{2}-\d{2}$/, 'yyyy-MM-dd'),
  country: z.string({ message: 'required' }).regex(/^[A-Z]{2}$/, 'ISO 3166 alpha-2 code'),
  town: z.string({ message: 'required' }).min(1, 'required').max(64, 'length 1..64'),
  address: z
    .string({ message: 'required' })
    .min(2, 'length 2..40')
    .max(40, 'length 2..40')
    .regex(/^[A-Za-z0-9\- ]+$/, 'letters, digits, spaces and hyphens only'),
  postCode: z.string({ message: 'required' }).regex(/^[a-zA-Z0-9]{2,15}$/, '2..15 letters or digits'),
  // B2C extras (required for B2C card types by Wasabi; checked by Wasabi, shape checked here).
  nationality: z
    .string()
    .regex(/^[A-Z]{2}$/, 'ISO 3166 alpha-2 code')
    .optional(),
  gender: z.enum(['M', 'F'], { message: 'M or F' }).optional(),
  occupation: z.string().max(16, 'length 0..16').optional(),
  annualSalary: z.string().max(32, 'length 0..32').optional(),
  accountPurpose: z.string().max(64, 'length 0..64').optional(),
  expectedMonthlyVolume: z.string().max(32, 'length 0..32').optional(),
  idType: z
    .enum(['PASSPORT', 'HK_HKID', 'DLN', 'GOVERNMENT_ISSUED_ID_CARD'], {
      message: 'one of PASSPORT, HK_HKID, DLN, GOVERNMENT_ISSUED_ID_CARD',
    })
    .optional(),
  idNumber: z.string().min(2, 'length 2..50').max(50, 'length 2..50').optional(),
  issueDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'yyyy-MM-dd')
    .optional(),
  idNoExpiryDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'yyyy-MM-dd')
    .optional(),
  idFrontId: z.string().optional(),
  idBackId: z.string().optional(),
  idHoldId: z.string().optional(),
  ipAddress: z.string().max(64, 'length 0..64').optional(),
  kycVerification: z.object({ provider: z.string(), referenceId: z.string() }).optional(),
};

const combinedNameRule = (v: { firstName: string; lastName: string }, ctx: z.RefinementCtx) => {
  if (v.firstName.length + 1 + v.lastName.length > 32)
    ctx.addIssue({
      code: 'custom',
      path: ['lastName'],
      message: 'first and last name with a space at most 32',
    });
};

export const holderCreateRequest = z
  .object({
    cardHolderModel: z.enum(['B2B', 'B2C'], { message: 'B2B or B2C' }),
    merchantOrderNo: holderOrderNo,
    ...holderPersonal,
  })
  .superRefine(combinedNameRule);
export const holderUpdateRequest = z
  .object({
    cardHolderModel: z.enum(['B2B', 'B2C'], { message: 'B2B or B2C' }),
    holderId: longIdInput,
    ...holderPersonal,
  })
  .superRefine(combinedNameRule);
export const holderQueryRequest = z
  .object({
    pageNum,
    pageSize,
    holderId: longIdInput.optional(),
    areaCode: z.string().optional(),
    mobile: z.string().optional(),
    email: z.string().optional(),
    merchantOrderNo: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.areaCode === undefined) !== (v.mobile === undefined))
      ctx.addIssue({ code: 'custom', path: ['mobile'], message: 'areaCode and mobile go together' });
  });
export const holderUpdateEmailRequest = z.object({
  holderId: longIdInput,
  merchantOrderNo: holderOrderNo,
  email: holderPersonal.email,
});

// --- account ---------------------------------------------------------------------------------

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;
export const accountListRequest = z.object({
  pageNum,
  pageSize,
  accountId: longIdInput.optional(),
  type: z.enum(['WALLET', 'MARGIN'], { message: 'WALLET or MARGIN' }).optional(),
});
export const accountQueryRequest = z.object({ accountId: longIdInput });
export const accountTransactionRequest = z
  .object({
    pageNum,
    pageSize,
    accountId: longIdInput.optional(),
    orderNo: z.string().optional(),
    bizType: z.string().optional(),
    ...timeWindow,
  })
  .superRefine((v, ctx) => {
    if (v.startTime !== undefined && v.endTime !== undefined && v.endTime - v.startTime > THIRTY_DAYS_MS)
      ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'window at most 30 days' });
  });
export const accountCreateRequest = z.object({
  accountName: z.string({ message: 'required' }).min(1, 'required').max(64, 'length 1..64'),
});
export const accountTransferRequest = z.object({
  type: z.enum(['TRANSFER', 'COLLECTION'], { message: 'TRANSFER or COLLECTION' }),
  merchantOrderNo: holderOrderNo,
  amount: positiveDecimal,
  payerAccountId: longIdInput,
  payeeAccountId: longIdInput,
  remark: z.string().max(50, 'length 0..50').optional(),
});

// --- common ----------------------------------------------------------------------------------

export const cityRequest = z.object({
  regionCode: z
    .string()
    .regex(/^[A-Z]{2}$/, 'ISO 3166 alpha-2 code')
    .optional(),
});
