// The WasabiCard sandbox's own request rules for the twelve operations of the provider's Card
// Management document (seed 002_7092e48c419df6d6.txt), written from that document's field tables
// and not from the client's schemas (src/providers): a mistake the client makes must not be
// accepted by a sandbox that shares it. What the tables say is enforced; what they leave open is
// read the way a Java (Jackson) service reads JSON: a Long or Integer may come as a number or a
// digit string, a BigDecimal as a number or a decimal string.
//
// Operations outside the seed follow spec providers.md §1.2 in request-rules.ts.
import { z } from 'zod';
import {
  bigDecimal,
  bool,
  epochMs,
  long,
  oneOf,
  orderNo,
  pageNum,
  pageSize,
  requiredText,
  text,
  textUpTo,
} from './field-rules';

/** POST /card/openCard: merchantOrderNo length[20...40], holderId?, cardTypeId, amount?. */
export const openCard = z.object({
  merchantOrderNo: orderNo(20, 40),
  holderId: long().optional(),
  cardTypeId: long(),
  amount: bigDecimal().optional(),
  // Not in the seed's table; spec §1.2 (newer documents): a physical card's number, the paying account.
  cardNumber: text().optional(),
  accountId: long().optional(),
});

/** POST /card/info: cardNo, onlySimpleInfo? (default true). */
export const cardInfo = z.object({
  cardNo: requiredText(),
  onlySimpleInfo: bool().optional(),
});

/** POST /card/balanceInfo, /card/freeze, /card/unfreeze: cardNo. */
export const cardNoOnly = z.object({ cardNo: requiredText() });

/** POST /card/v2/freeze and /card/v2/unfreeze: cardNo, merchantOrderNo length[20...40], clientRemark length[0...50]. */
export const freezeV2 = z.object({
  cardNo: requiredText(),
  merchantOrderNo: orderNo(20, 40),
  clientRemark: textUpTo(50).optional(),
});

/** POST /card/deposit: cardNo, merchantOrderNo length[20...35], amount. */
export const deposit = z.object({
  cardNo: requiredText(),
  merchantOrderNo: orderNo(20, 35),
  amount: bigDecimal(),
});

/**
 * The `type` values of the Card Transaction request table: "create: Open card; deposit:
 * Deposit; cancel: Cancel Card; freeze: Freeze Card; UnFreeze: UnFreeze Card". The same table's
 * answer spells `Freeze`: compared case-insensitively.
 */
export const TRANSACTION_TYPES = ['create', 'deposit', 'cancel', 'freeze', 'UnFreeze'] as const;

/** POST /card/transaction: pageNum, pageSize, type (required), merchantOrderNo?, orderNo?, cardNo?, startTime?, endTime?. */
export const cardTransaction = z.object({
  pageNum: pageNum(),
  pageSize: pageSize(),
  type: oneOf(TRANSACTION_TYPES),
  merchantOrderNo: text().optional(),
  orderNo: text().optional(),
  cardNo: text().optional(),
  startTime: epochMs().optional(),
  endTime: epochMs().optional(),
});

/** POST /card/authTransaction: pageNum, pageSize, type?, tradeNo?, cardNo?, startTime?, endTime?. */
export const authTransaction = z.object({
  pageNum: pageNum(),
  pageSize: pageSize(),
  type: oneOf(['auth', 'correct_auth', 'correct_refund', 'refund', 'verification', 'Void']).optional(),
  tradeNo: text().optional(),
  cardNo: text().optional(),
  startTime: epochMs().optional(),
  endTime: epochMs().optional(),
});

/** POST /card/third3dsTransaction: pageNum, pageSize, type? (third_3ds_otp, auth_url), tradeNo?, cardNo?, startTime?, endTime?. */
export const threeDsTransaction = authTransaction.extend({
  // activation_code: the physical-card records of spec §1.3, not in the seed's list.
  type: oneOf(['third_3ds_otp', 'auth_url', 'activation_code']).optional(),
});
