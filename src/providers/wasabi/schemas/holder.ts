// Cardholder responses (spec §1.2 "Cardholder management").
import { z } from 'zod';
import { caseInsensitiveEnum, epochMs, idString, opt, orderStatus, page } from './primitives';

export const HOLDER_STATUSES = ['wait_audit', 'under_review', 'pass_audit', 'reject'] as const;
export const holderStatus = caseInsensitiveEnum(HOLDER_STATUSES);

export const occupationSchema = z.looseObject({ occupationCode: z.string(), description: opt(z.string()) });

/** v2 create / update answer. */
export const holderResultSchema = z.looseObject({
  holderId: idString,
  merchantOrderNo: opt(z.string()),
  cardTypeId: opt(idString),
  statusFlowLocation: opt(z.string()),
  status: holderStatus,
  statusStr: opt(z.string()),
  description: opt(z.string()),
  respMsg: opt(z.string()),
});
export type WasabiHolderResult = z.output<typeof holderResultSchema>;

export const holderRecordSchema = holderResultSchema.extend({
  areaCode: opt(z.string()),
  mobile: opt(z.string()),
  email: opt(z.string()),
  firstName: opt(z.string()),
  lastName: opt(z.string()),
  birthday: opt(z.string()),
  country: opt(z.string()),
  countryStr: opt(z.string()),
  town: opt(z.string()),
  townStr: opt(z.string()),
  address: opt(z.string()),
  postCode: opt(z.string()),
  createTime: opt(epochMs),
  updateTime: opt(epochMs),
});
export type WasabiHolderRecord = z.output<typeof holderRecordSchema>;
export const holderPageSchema = page(holderRecordSchema);

export const updateEmailResultSchema = z.looseObject({
  holderId: idString,
  merchantOrderNo: opt(z.string()),
  orderNo: opt(idString),
  status: orderStatus,
  description: opt(z.string()),
  remark: opt(z.string()),
});
