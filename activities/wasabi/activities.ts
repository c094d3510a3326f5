// WasabiCard activities. Every call that creates something carries a merchantOrderNo derived
// from the workflow id and step, and each attempt first looks that key up: a retry after a lost
// answer finds the order instead of sending it twice (and WasabiCard refuses a reused key anyway).
import { type Applicant, unknownStatus, WASABI_ORDER_STATES } from '../../src/contract';
import { wasabiOpeningRefusal } from '../../src/contract/wasabi-card-type';
import type { DocumentStore } from '../../src/documents/document-store';
import { setTimeout as delay } from 'node:timers/promises';
import {
  ProviderAmbiguousError,
  ProviderDuplicateOrderError,
  ProviderRejectedError,
  ProviderRetryableError,
  ProviderValidationError,
} from '../../src/providers/errors';
import type { WasabiClient } from '../../src/providers/wasabi/client';
import type { WasabiCardTypeV2, WasabiOrder } from '../../src/providers/wasabi/schemas/card';
import { V1_TRANSACTION_TYPES, type V1TransactionType } from '../../src/providers/wasabi/schemas/requests';
import type { SecretStore } from '../../src/security/secret-store';
import { useSecret } from '../secrets';
import type { KycFileIds } from '../kyc-files';
import type {
  WasabiActivities,
  WasabiCardTypeSummary,
  WasabiHolderReview,
  WasabiOrderSummary,
} from './interface';
import { preconditionFailed, stillPending, unknownStatusPending } from '../still-pending';

/**
 * WasabiCard's names the seed does not show (its Card Management pages list no cardholder or
 * activation states): configured per environment, mapped here onto the names the workflows read.
 */
export interface WasabiConventions {
  /** A cardholder that passed review (workflows read `pass_audit`). */
  holderApproved: string;
  /** A cardholder refused by review (workflows read `reject`). */
  holderRejected: string;
  /** A physical card waiting for activeCard. */
  cardAwaitingActivation: string;
}

export const DEFAULT_WASABI_CONVENTIONS: WasabiConventions = {
  holderApproved: 'pass_audit',
  holderRejected: 'reject',
  cardAwaitingActivation: 'un_activated',
};

export interface WasabiActivityDependencies {
  client: WasabiClient;
  documents: DocumentStore;
  secrets: SecretStore;
  conventions?: Partial<WasabiConventions>;
}

const lower = (s: string) => s.toLowerCase();
/**
 * activeCard sends within one activity attempt (the PIN can be redeemed only once): at most this
 * many, the first gap, and the time after which no new send starts (inside the 30 s attempt).
 */
const ACTIVATE_ATTEMPTS = 5;
const ACTIVATE_RETRY_MS = 250;
const ACTIVATE_BUDGET_MS = 15_000;
const FINAL_ORDER = new Set(['success', 'fail']);
/** Notes an activation attempt leaves its retry when its completion is lost (../secrets.ts). */
const CODE_REFUSED = 'code-refused';
const ANSWERED = 'answered:';
const answeredNote = (status: string) =>
  `${ANSWERED}${/^[a-z_]{1,32}$/.test(status) ? status : 'processing'}`;
const answeredStatus = (note: string | undefined) =>
  note?.startsWith(ANSWERED) ? note.slice(ANSWERED.length) : 'processing';
/** The status a read reports for an order the listing does not show (yet). */
const NOT_LISTED = 'not_listed';
const ID_TYPES = {
  PASSPORT: 'PASSPORT',
  ID_CARD: 'GOVERNMENT_ISSUED_ID_CARD',
  DRIVING_LICENCE: 'DLN',
  HK_HKID: 'HK_HKID',
} as const;

/** The object without its null and undefined fields (provider JSON uses both for "absent"). */
function compact<T extends Record<string, unknown>>(
  o: T,
): { [K in keyof T]?: Exclude<T[K], null | undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], null | undefined>;
  };
}

function summary(order: WasabiOrder): WasabiOrderSummary {
  return {
    orderNo: order.orderNo,
    merchantOrderNo: order.merchantOrderNo ?? '',
    type: order.type,
    status: lower(order.status),
    ...compact({
      cardNo: order.cardNo,
      currency: order.currency,
      amount: order.amount,
      fee: order.fee,
      receivedAmount: order.receivedAmount,
      receivedCurrency: order.receivedCurrency,
      description: order.description,
    }),
  };
}

function holderFields(applicant: Applicant, cardTypeId: string, fileIds: KycFileIds | undefined) {
  return {
    cardTypeId,
    areaCode: `+${applicant.mobile.prefix}`,
    mobile: applicant.mobile.number,
    email: applicant.email,
    firstName: applicant.firstName,
    lastName: applicant.lastName,
    birthday: applicant.dateOfBirth,
    country: applicant.address.country,
    town: applicant.address.cityCode ?? applicant.address.city,
    address: applicant.address.line,
    postCode: applicant.address.postCode,
    ...(applicant.nationality ? { nationality: applicant.nationality } : {}),
    ...(applicant.gender ? { gender: applicant.gender } : {}),
    ...(applicant.occupation ? { occupation: applicant.occupation } : {}),
    ...(applicant.annualSalary ? { annualSalary: applicant.annualSalary } : {}),
    ...(applicant.accountPurpose ? { accountPurpose: applicant.accountPurpose } : {}),
    ...(applicant.expectedMonthlyVolume ? { expectedMonthlyVolume: applicant.expectedMonthlyVolume } : {}),
    ...(applicant.ipAddress ? { ipAddress: applicant.ipAddress } : {}),
    idType: ID_TYPES[applicant.identification.type],
    idNumber: applicant.identification.number,
    ...(applicant.identification.issueDate ? { issueDate: applicant.identification.issueDate } : {}),
    idNoExpiryDate: applicant.identification.expiryDate,
    ...(fileIds ? { idFrontId: fileIds.front } : {}),
    ...(fileIds?.back ? { idBackId: fileIds.back } : {}),
    ...(fileIds?.selfie ? { idHoldId: fileIds.selfie } : {}),
  };
}

export function createWasabiActivities(deps: WasabiActivityDependencies): WasabiActivities {
  const { client, documents, secrets } = deps;
  const names = { ...DEFAULT_WASABI_CONVENTIONS, ...deps.conventions };
  /** A holder status as the workflows read it: the configured decided names become pass_audit / reject. */
  const holderStatus = (status: string) => {
    const s = lower(status);
    if (s === lower(names.holderApproved)) return 'pass_audit';
    if (s === lower(names.holderRejected)) return 'reject';
    // The default names are no decision once others are configured: kept apart from them.
    return s === 'pass_audit' || s === 'reject' ? `${s} (not configured as decided)` : s;
  };

  /** `v1Types`: the v1 log's required `type` values to ask (default: every one the seed lists). */
  const findOrder = async (
    merchantOrderNo: string,
    v1Types?: readonly V1TransactionType[],
  ): Promise<WasabiOrderSummary | null> => {
    const [order] = await client.findOrders(merchantOrderNo, {
      includeV1: true,
      ...(v1Types ? { v1Types } : {}),
    });
    return order ? summary(order) : null;
  };

  /** Look the key up; send only when absent; a duplicate refusal means it landed meanwhile. */
  const findOrCreate = async (
    merchantOrderNo: string,
    v1Type: V1TransactionType,
    create: () => Promise<WasabiOrder>,
  ): Promise<WasabiOrderSummary> => {
    const existing = await findOrder(merchantOrderNo, [v1Type]);
    if (existing) return existing;
    try {
      return summary(await create());
    } catch (error) {
      if (!(error instanceof ProviderDuplicateOrderError)) throw error;
      const found = await findOrder(merchantOrderNo, [v1Type]);
      if (!found) throw error;
      return found;
    }
  };

  return {
    async wasabiUploadDocument({ document }) {
      const stored = await documents.get(document.ref);
      const { fileId } = await client.uploadFile(
        { bytes: new Uint8Array(stored.bytes), fileName: stored.fileName, contentType: stored.contentType },
        'card',
      );
      return { fileId };
    },

    async wasabiSubmitHolder({ merchantOrderNo, cardTypeId, cardHolderModel, applicant, fileIds }) {
      const find = async () =>
        (await client.queryHolders({ merchantOrderNo, pageNum: 1, pageSize: 10 })).records[0];
      const existing = await find();
      if (existing) return { holderId: existing.holderId, status: holderStatus(existing.status) };
      try {
        const created = await client.createHolder({
          cardHolderModel,
          merchantOrderNo,
          ...holderFields(applicant, cardTypeId, fileIds),
        });
        return { holderId: created.holderId, status: holderStatus(created.status) };
      } catch (error) {
        const found = error instanceof ProviderDuplicateOrderError ? await find() : undefined;
        if (!found) throw error;
        return { holderId: found.holderId, status: holderStatus(found.status) };
      }
    },

    async wasabiResubmitHolder({ holderId, cardTypeId, cardHolderModel, applicant, fileIds }) {
      const updated = await client.updateHolder({
        cardHolderModel,
        holderId,
        ...holderFields(applicant, cardTypeId, fileIds),
      });
      return { status: holderStatus(updated.status) };
    },

    wasabiHolderStatus: ({ holderId, untilDecided }) => readHolder(holderId, untilDecided),

    wasabiCardType: ({ cardTypeId }) => readCardType(cardTypeId),

    async wasabiIssuancePreconditions({ cardTypeId, initialDeposit, holderId }) {
      const cardType = await readCardType(cardTypeId);
      // The holder is read only where the flow would look at it: a refused deposit fails the flow first.
      if (!cardType.needCardHolder || !holderId || wasabiOpeningRefusal(cardType, initialDeposit))
        return { cardType };
      return { cardType, holder: await readHolder(holderId, false) };
    },

    wasabiOpenCard: ({ merchantOrderNo, cardTypeId, amount, holderId }) =>
      findOrCreate(merchantOrderNo, V1_TRANSACTION_TYPES.create, () =>
        client.createCard({ merchantOrderNo, cardTypeId, amount, ...(holderId ? { holderId } : {}) }),
      ),

    wasabiDeposit: ({ merchantOrderNo, cardNo, amount }) =>
      findOrCreate(merchantOrderNo, V1_TRANSACTION_TYPES.deposit, () =>
        client.deposit({ merchantOrderNo, cardNo, amount }),
      ),

    wasabiCancel: ({ merchantOrderNo, cardNo }) =>
      findOrCreate(merchantOrderNo, V1_TRANSACTION_TYPES.cancel, () =>
        client.cancel({ merchantOrderNo, cardNo }),
      ),

    wasabiSetFrozen: ({ merchantOrderNo, cardNo, frozen }) =>
      findOrCreate(
        merchantOrderNo,
        frozen ? V1_TRANSACTION_TYPES.freeze : V1_TRANSACTION_TYPES.unfreeze,
        () =>
          frozen ? client.freeze({ merchantOrderNo, cardNo }) : client.unfreeze({ merchantOrderNo, cardNo }),
      ),

    async wasabiActivatePhysicalCard({ merchantOrderNo, cardNo, code, pinHandle, noPinPaymentAmount }) {
      // The seed's v1 log lists no activation type: only the v2 log is asked.
      const existing = await findOrder(merchantOrderNo, []);
      if (existing) return existing;
      // A code refused outright leaves no order: the answer stands in for one.
      const codeRefused = (description: string) => ({
        orderNo: '',
        merchantOrderNo,
        type: 'card_activated',
        status: 'fail',
        cardNo,
        description,
      });
      return useSecret(secrets, pinHandle, 'pin', {
        // Each activation attempt is its own order, and its own step for the handle.
        key: merchantOrderNo,
        use: async (pin) => {
          let answer: Awaited<ReturnType<WasabiClient['activeCard']>> | undefined;
          // "Try again" answers (5xx, refused connection, lost answer) are retried here first, with
          // the PIN in memory, reading the order after a lost answer; a retry of the activity can
          // still redeem the handle (useSecret).
          const began = Date.now();
          for (let attempt = 1; !answer; attempt++) {
            try {
              answer = await client.activeCard({
                merchantOrderNo,
                cardNo,
                pin,
                activeCode: code,
                ...(noPinPaymentAmount ? { noPinPaymentAmount } : {}),
              });
            } catch (error) {
              const again =
                error instanceof ProviderRetryableError || error instanceof ProviderAmbiguousError;
              const gap = ACTIVATE_RETRY_MS * 2 ** (attempt - 1);
              if (again && attempt < ACTIVATE_ATTEMPTS && Date.now() - began + gap < ACTIVATE_BUDGET_MS) {
                await delay(gap);
                const landed = await findOrder(merchantOrderNo, []);
                if (landed) return landed;
                continue;
              }
              if (error instanceof ProviderDuplicateOrderError) {
                const landed = await findOrder(merchantOrderNo, []);
                if (landed) return landed;
              }
              // WasabiCard refuses a wrong code outright (no order). While the card still awaits
              // activation, that refusal is the answer to this attempt, not a failure of the flow.
              if (!(error instanceof ProviderRejectedError) || error instanceof ProviderDuplicateOrderError)
                throw error;
              const info = await client.cardInfo({ cardNo });
              if (lower(info.status) !== lower(names.cardAwaitingActivation)) throw error;
              return codeRefused(error.detail || `refused with code ${error.code}`);
            }
          }
          return {
            orderNo: (answer as { orderNo?: string }).orderNo ?? merchantOrderNo,
            merchantOrderNo,
            type: 'card_activated',
            status: lower(answer.status),
            cardNo,
            ...(answer.remark ? { description: answer.remark } : {}),
          };
        },
        // What the attempt learnt, for a retry whose order listing does not show it (yet).
        note: (result) => (result.orderNo === '' ? CODE_REFUSED : answeredNote(result.status)),
        // Sent in an attempt whose completion was lost: the order, once listed, is the answer;
        // a code refused outright left no order, and an accepted one is followed by the flow.
        alreadyDone: async (note) => {
          const landed = await findOrder(merchantOrderNo, []);
          if (landed) return landed;
          if (note === CODE_REFUSED) return codeRefused('the activation code was refused');
          return {
            orderNo: merchantOrderNo,
            merchantOrderNo,
            type: 'card_activated',
            status: answeredStatus(note),
            cardNo,
          };
        },
      });
    },

    async wasabiOrder({ merchantOrderNo, untilFinal, needCardNo }) {
      const order = await findOrder(merchantOrderNo);
      // A card order that says success is only final once it names the card it created.
      const final =
        order !== null &&
        FINAL_ORDER.has(order.status) &&
        !(needCardNo && order.status === 'success' && !order.cardNo);
      if (untilFinal && !final) {
        if (order && unknownStatus(order.status, WASABI_ORDER_STATES))
          throw unknownStatusPending(`order ${merchantOrderNo}`, order.status);
        throw stillPending(`order ${merchantOrderNo} (${order?.status ?? 'not listed yet'})`);
      }
      // An order the flow sent but the listing does not show yet is still pending, never "none".
      return order ?? { orderNo: '', merchantOrderNo, type: '', status: NOT_LISTED };
    },

    wasabiCardStatus: ({ cardNo }) => readCard(cardNo),

    async wasabiDepositPreconditions({ cardNo }) {
      const card = await readCard(cardNo);
      return { card, cardType: await readCardType(card.cardTypeId) };
    },
  };

  async function readCard(cardNo: string): Promise<{ status: string; cardTypeId: string }> {
    const info = await client.cardInfo({ cardNo });
    if (info.cardTypeId) return { status: lower(info.status), cardTypeId: info.cardTypeId };
    // The seed's card/info answer carries no cardTypeId: the type is found from what it does
    // carry, the card number (its BIN), against v2/cardTypes.
    const cardTypeId = cardTypeOf(info, await client.cardTypes(), (v) => client.decrypt(v, 'card/info'));
    if (!cardTypeId) {
      throw new ProviderValidationError(
        [
          {
            field: 'cardNo',
            rule: 'card info carries no cardTypeId and its BIN matches no single card type',
          },
        ],
        { provider: 'wasabi', operation: 'card/info' },
      );
    }
    return { status: lower(info.status), cardTypeId };
  }

  async function readHolder(holderId: string, untilDecided: boolean): Promise<WasabiHolderReview> {
    const [holder] = (await client.queryHolders({ holderId, pageNum: 1, pageSize: 10 })).records;
    if (!holder) throw preconditionFailed(`no cardholder ${holderId}`);
    const status = holderStatus(holder.status);
    if (untilDecided && status !== 'pass_audit' && status !== 'reject')
      throw stillPending(`cardholder review (${status})`);
    return {
      status,
      ...(holder.statusFlowLocation ? { statusFlowLocation: lower(holder.statusFlowLocation) } : {}),
      ...(holder.description ? { description: holder.description } : {}),
    };
  }

  async function readCardType(cardTypeId: string): Promise<WasabiCardTypeSummary> {
    const type = (await client.cardTypes()).find((t) => t.cardTypeId === cardTypeId);
    if (!type) throw preconditionFailed(`card type ${cardTypeId} is not offered to this merchant`);
    return {
      cardTypeId,
      status: type.status ?? 'online',
      needCardHolder: type.needCardHolder ?? false,
      currency: type.rechargeCurrency ?? type.fiatCurrency ?? 'USD',
      ...compact({
        rechargeMinQuota: type.rechargeMinQuota,
        rechargeMaxQuota: type.rechargeMaxQuota,
        rechargeDigital: type.rechargeDigital == null ? undefined : Number(type.rechargeDigital),
        depositAmountMinQuotaForActiveCard: type.depositAmountMinQuotaForActiveCard,
        depositAmountMaxQuotaForActiveCard: type.depositAmountMaxQuotaForActiveCard,
      }),
      enableDeposit: type.enableDeposit ?? true,
      enableFreeze: type.enableFreeze ?? true,
      enableUnFreeze: type.enableUnFreeze ?? true,
    };
  }
}

/**
 * The card type of a card whose card/info answer names none: the card type whose `bankCardBin`
 * is the longest prefix of the card number (`cardBankBin` or `cardNumber`, decrypted when it is
 * not plain digits); when no BIN matches and the merchant is offered exactly one card type, that
 * one. Undefined when neither decides (two types share the BIN, or several are offered).
 */
export function cardTypeOf(
  info: { cardBankBin?: string | null | undefined; cardNumber?: string | null | undefined },
  types: readonly WasabiCardTypeV2[],
  decrypt: (value: string) => string,
): string | undefined {
  let number = info.cardBankBin ?? info.cardNumber ?? '';
  if (number && !/^\d+$/.test(number)) {
    try {
      number = decrypt(number);
    } catch {
      number = '';
    }
  }
  const bin = (t: WasabiCardTypeV2) => (t.bankCardBin ?? '').replace(/\D/g, '');
  const matching = number ? types.filter((t) => bin(t) && number.startsWith(bin(t))) : [];
  const longest = Math.max(0, ...matching.map((t) => bin(t).length));
  const best = matching.filter((t) => bin(t).length === longest);
  if (best.length === 1) return best[0]!.cardTypeId;
  if (matching.length === 0 && types.length === 1) return types[0]!.cardTypeId;
  return undefined;
}
