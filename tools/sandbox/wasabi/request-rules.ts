// The WasabiCard sandbox's own request rules for the operations outside seed 002 (Card
// Management): written from spec providers.md §1.2 (endpoint tables, bold = required), §1.5
// (merchantOrderNo lengths) and §1.7 (PIN, clientRemark), not from the client's schemas
// (src/providers): a mistake the client makes must not be accepted by a sandbox that shares it.
// Where the spec gives no length or format, none is enforced.
import { z } from 'zod';
import { Decimal } from '../../../src/contract/money';
import {
  bigDecimal,
  epochMs,
  exactlyOneOf,
  long,
  orderNo,
  pageNum,
  pageSize,
  requiredText,
  text,
  textBetween,
  textUpTo,
} from './field-rules';

/** §1.5: card operations outside the seed take 15–65 characters (wrapper). */
const cardOrderNo = () => orderNo(15, 65);
/** §1.5: holder v2 create, email change and account transfer take 20–40. */
const holderOrderNo = () => orderNo(20, 40);
const clientRemark = () => textUpTo(50).optional();
const positive = () => bigDecimal().refine((v) => new Decimal(v).gt(0), 'greater than 0');
const window = { startTime: epochMs().optional(), endTime: epochMs().optional() };
const page = { pageNum: pageNum(), pageSize: pageSize() };

/** §1.7: six digits; no digit three times running; no straight run; no repeated 2- or 3-digit block. */
const pin = () =>
  text().superRefine((p, ctx) => {
    const refuse = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (!/^\d{6}$/.test(p)) return refuse('six digits');
    const steps = [...p].slice(1).map((d, i) => Number(d) - Number(p[i]));
    if (/(\d)\1\1/.test(p)) refuse('a digit three times in a row');
    else if (steps.every((s) => s === 1) || steps.every((s) => s === -1)) refuse('a straight run');
    else if (p.slice(0, 3) === p.slice(3) || /^(\d\d)\1\1$/.test(p)) refuse('a repeated block');
  });

// --- card -------------------------------------------------------------------------------------

/** v2/createCard: merchantOrderNo, cardTypeId, amount required; holderId?, cardNumber?, accountId?, designId?. */
export const createCardV2 = z.object({
  merchantOrderNo: cardOrderNo(),
  cardTypeId: long(),
  amount: positive(),
  holderId: long().optional(),
  cardNumber: text().optional(),
  accountId: long().optional(),
  designId: text().optional(),
});
/** card/sensitive: cardNo. */
export const sensitive = z.object({ cardNo: requiredText() });
/** card/list: pageNum, pageSize (≤100), cardNo?, status?, cardTypeId?, holderId?, startTime?, endTime?. */
export const cardList = z.object({
  ...page,
  cardNo: text().optional(),
  status: text().optional(),
  cardTypeId: long().optional(),
  holderId: long().optional(),
  ...window,
});
/** card/withdraw: cardNo, merchantOrderNo, amount (≥ 0.01), clientRemark?. */
export const withdraw = z.object({
  cardNo: requiredText(),
  merchantOrderNo: cardOrderNo(),
  amount: bigDecimal().refine((v) => new Decimal(v).gte('0.01'), 'at least 0.01'),
  clientRemark: clientRemark(),
});
/** card/cancel: cardNo, merchantOrderNo, clientRemark?. */
export const cancel = z.object({
  cardNo: requiredText(),
  merchantOrderNo: cardOrderNo(),
  clientRemark: clientRemark(),
});
/** physicalCard/activeCard: merchantOrderNo, cardNo, pin, activeCode; noPinPaymentAmount? (0–2000). */
export const activeCard = z.object({
  merchantOrderNo: cardOrderNo(),
  cardNo: requiredText(),
  pin: pin(),
  activeCode: requiredText(),
  noPinPaymentAmount: bigDecimal()
    .refine((v) => new Decimal(v).gte(0) && new Decimal(v).lte(2000), 'between 0 and 2000')
    .optional(),
});
/** physicalCard/updatePin: cardNo, merchantOrderNo, pin. */
export const updatePin = z.object({ cardNo: requiredText(), merchantOrderNo: cardOrderNo(), pin: pin() });
/** card/v2/transaction: as the v1 log, but `type` optional. */
export const transactionV2 = z.object({
  ...page,
  type: text().optional(),
  merchantOrderNo: text().optional(),
  orderNo: text().optional(),
  cardNo: text().optional(),
  ...window,
});
/** card/purchaseTransaction: pageNum, pageSize, merchantOrderNo?, orderNo?, startTime?, endTime?. */
export const purchaseTransaction = z.object({
  ...page,
  merchantOrderNo: text().optional(),
  orderNo: text().optional(),
  ...window,
});
/** card/authFeeTransaction: pageNum, pageSize, tradeType?, tradeNo?, originTradeNo?, cardNo?, times. */
export const authFeeTransaction = z.object({
  ...page,
  tradeType: text().optional(),
  tradeNo: text().optional(),
  originTradeNo: text().optional(),
  cardNo: text().optional(),
  ...window,
});
/** simulateAuthTransaction: cardNo, type, amount, currency; originSerialNumber for Void/refund; description?. */
export const simulateAuth = z
  .object({
    cardNo: requiredText(),
    type: exactlyOneOf(['auth', 'refund', 'Void', 'maintain_fee']),
    amount: positive(),
    currency: requiredText(),
    originSerialNumber: text().optional(),
    description: text().optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.type === 'Void' || v.type === 'refund') && !v.originSerialNumber?.trim())
      ctx.addIssue({ code: 'custom', path: ['originSerialNumber'], message: 'required for Void and refund' });
  });

// --- cardholder -------------------------------------------------------------------------------

const date = () => text().refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v), 'yyyy-MM-dd');
const name = () => textBetween(2, 32).refine((v) => /^[A-Za-z]+$/.test(v), 'English letters only');
/** The personal fields of holder v2 create / update (§1.2 table and its validation rules). */
const person = {
  cardTypeId: long(),
  areaCode: textBetween(2, 5),
  mobile: textBetween(5, 20),
  email: textBetween(5, 50),
  firstName: name(),
  lastName: name(),
  birthday: date(),
  country: requiredText(),
  town: requiredText(),
  address: textBetween(2, 40).refine((v) => /^[A-Za-z0-9\- ]+$/.test(v), 'letters, digits, spaces, hyphens'),
  postCode: text().refine((v) => /^[a-zA-Z0-9]{2,15}$/.test(v), '2 to 15 letters or digits'),
  nationality: text().optional(),
  gender: exactlyOneOf(['M', 'F']).optional(),
  occupation: text().optional(),
  annualSalary: text().optional(),
  accountPurpose: text().optional(),
  expectedMonthlyVolume: text().optional(),
  idType: exactlyOneOf(['PASSPORT', 'HK_HKID', 'DLN', 'GOVERNMENT_ISSUED_ID_CARD']).optional(),
  idNumber: textBetween(2, 50).optional(),
  issueDate: date().optional(),
  idNoExpiryDate: date().optional(),
  idFrontId: text().optional(),
  idBackId: text().optional(),
  idHoldId: text().optional(),
  ipAddress: text().optional(),
  kycVerification: z.object({ provider: requiredText(), referenceId: requiredText() }).optional(),
};
/** "combined with the space ≤32". */
const fullNameFits = (v: { firstName: string; lastName: string }, ctx: z.RefinementCtx) => {
  if (v.firstName.length + v.lastName.length + 1 > 32)
    ctx.addIssue({
      code: 'custom',
      path: ['lastName'],
      message: 'first name, space and last name at most 32',
    });
};
const model = () => exactlyOneOf(['B2B', 'B2C']);

export const holderCreate = z
  .object({ cardHolderModel: model(), merchantOrderNo: holderOrderNo(), ...person })
  .superRefine(fullNameFits);
export const holderUpdate = z
  .object({ cardHolderModel: model(), holderId: long(), ...person })
  .superRefine(fullNameFits);
/** holder/query: pageNum, pageSize, holderId?, areaCode? + mobile? (together), email?, merchantOrderNo?. */
export const holderQuery = z
  .object({
    ...page,
    holderId: long().optional(),
    areaCode: text().optional(),
    mobile: text().optional(),
    email: text().optional(),
    merchantOrderNo: text().optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.areaCode === undefined) !== (v.mobile === undefined))
      ctx.addIssue({ code: 'custom', path: ['mobile'], message: 'goes together with areaCode' });
  });
/** holder/updateEmail: holderId, merchantOrderNo, email. */
export const holderUpdateEmail = z.object({
  holderId: long(),
  merchantOrderNo: holderOrderNo(),
  email: textBetween(5, 50),
});

// --- account ----------------------------------------------------------------------------------

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;
export const accountList = z.object({
  ...page,
  accountId: long().optional(),
  type: exactlyOneOf(['WALLET', 'MARGIN']).optional(),
});
export const accountQuery = z.object({ accountId: long() });
/** account/transaction: the window is at most 30 days. */
export const accountTransaction = z
  .object({
    ...page,
    accountId: long().optional(),
    orderNo: text().optional(),
    bizType: text().optional(),
    ...window,
  })
  .superRefine((v, ctx) => {
    if (v.startTime !== undefined && v.endTime !== undefined && v.endTime - v.startTime > THIRTY_DAYS_MS)
      ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'at most 30 days after startTime' });
  });
export const accountCreate = z.object({ accountName: requiredText() });
export const accountTransfer = z.object({
  type: exactlyOneOf(['TRANSFER', 'COLLECTION']),
  merchantOrderNo: holderOrderNo(),
  amount: positive(),
  payerAccountId: long(),
  payeeAccountId: long(),
  remark: textUpTo(50).optional(),
});

// --- common -----------------------------------------------------------------------------------

export const city = z.object({ regionCode: text().optional() });
