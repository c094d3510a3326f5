// KazePay U-Card activities: one provider call or one check each, on the typed client.
import { Context } from '@temporalio/activity';
import { Decimal, KAZEPAY_CARD_STATES, unknownStatus } from '../../src/contract';
import type { Applicant } from '../../src/contract';
import type { DocumentStore } from '../../src/documents/document-store';
import {
  ProviderAmbiguousError,
  ProviderRejectedError,
  ProviderRetryableError,
  ProviderValidationError,
} from '../../src/providers/errors';
import type { KazepayClient } from '../../src/providers/kazepay/client';
import {
  KAZEPAY_ERROR_CODES,
  KAZEPAY_STATUS_NAMES,
  KAZEPAY_TRANSACTION_TYPES,
} from '../../src/providers/kazepay/conventions';
import type { SecretStore } from '../../src/security/secret-store';
import { useSecret } from '../secrets';
import { sendUnkeyed } from '../unkeyed-send';
import type { KazepayActivities, KazepayRechargeRecord, KazepayRechargeSnapshot } from './interface';
import { preconditionFailed, stillPending, unknownStatusPending } from '../still-pending';

/**
 * KazePay's names for things its appendix would list (UNCONFIRMED: not published). Defaults come
 * from src/providers/kazepay/conventions.ts, the sandbox's source too; configure per environment.
 */
export interface KazepayConventions {
  cardClosed: string;
  cardActivationFailed: string;
  /** A card assigned without autoActive, waiting for ucardActive (not in the seed). */
  cardAwaitingActivation: string;
  transactionSuccess: string;
  transactionFailed: string;
  /** `transType` of a recharge row in queryTransactions (compared case-insensitively). */
  rechargeTransType: string;
  /** `transType` of the refund row a closeCard produces. */
  closeRefundTransType: string;
  /** Error codes meaning "no such user / KYC", "no such card" and "wrong activation code". */
  userNotFoundCodes: string[];
  cardNotFoundCodes: string[];
  activationCodeErrorCodes: string[];
}

export const DEFAULT_KAZEPAY_CONVENTIONS: KazepayConventions = {
  cardClosed: KAZEPAY_STATUS_NAMES.cardClosed,
  cardActivationFailed: KAZEPAY_STATUS_NAMES.cardActivationFailed,
  cardAwaitingActivation: KAZEPAY_STATUS_NAMES.cardAwaitingActivation,
  transactionSuccess: KAZEPAY_STATUS_NAMES.transactionSuccess,
  transactionFailed: KAZEPAY_STATUS_NAMES.transactionFailed,
  rechargeTransType: KAZEPAY_TRANSACTION_TYPES.recharge,
  closeRefundTransType: KAZEPAY_TRANSACTION_TYPES.closeRefund,
  userNotFoundCodes: [KAZEPAY_ERROR_CODES.userNotFound],
  cardNotFoundCodes: [KAZEPAY_ERROR_CODES.cardNotFound],
  activationCodeErrorCodes: [KAZEPAY_ERROR_CODES.activationCodeError],
};

export interface KazepayActivityDependencies {
  client: KazepayClient;
  documents: DocumentStore;
  secrets: SecretStore;
  conventions?: Partial<KazepayConventions>;
}

const upper = (s: string) => s.toUpperCase();
/** A recharge's final states once normalised (the configured names map onto these). */
const isFinalTransaction = (status: string) => status === 'SUCCESS' || status === 'FAILED';
/** queryTransactions' limits (seed field table): pageSize 1..100, pageNum 1..10. */
const TRANSACTION_PAGE_SIZE = 100;
const MAX_TRANSACTION_PAGES = 10;
const isCode = (error: unknown, codes: string[]) =>
  error instanceof ProviderRejectedError && codes.map(upper).includes(upper(error.code));

/** `yyyy-MM-dd HH:mm:ss` in UTC, KazePay's transaction time format. */
function kazepayTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

function identity(applicant: Applicant) {
  const type = applicant.identification.type;
  if (type !== 'PASSPORT' && type !== 'ID_CARD') {
    throw new ProviderValidationError(
      [{ field: 'identification.type', rule: 'KazePay accepts PASSPORT or ID_CARD' }],
      {
        provider: 'kazepay',
        operation: 'setUcardKyc',
      },
    );
  }
  return {
    email: applicant.email,
    mobileNumber: applicant.mobile.number,
    mobilePrefix: applicant.mobile.prefix,
    mobilePrefixCountry: applicant.mobile.country,
    firstName: applicant.firstName,
    lastName: applicant.lastName,
    dateOfBirth: applicant.dateOfBirth,
    addressLine: applicant.address.line,
    city: applicant.address.city,
    countryCode: applicant.address.country,
    postCode: applicant.address.postCode,
    state: applicant.address.state,
    identificationType: type,
    identificationNumber: applicant.identification.number,
    identificationExpiryDate: applicant.identification.expiryDate,
  };
}

export function createKazepayActivities(deps: KazepayActivityDependencies): KazepayActivities {
  const { client, documents, secrets } = deps;
  const names = { ...DEFAULT_KAZEPAY_CONVENTIONS, ...deps.conventions };
  const normaliseCardStatus = (status: string) => {
    const s = upper(status);
    if (s === upper(names.cardClosed)) return 'CLOSED';
    if (s === upper(names.cardActivationFailed)) return 'ACTIVE_FAILED';
    if (s === upper(names.cardAwaitingActivation)) return 'WAITING_ACTIVE';
    return s;
  };
  const normaliseTxnStatus = (status: string) => {
    const s = upper(status);
    if (s === upper(names.transactionSuccess)) return 'SUCCESS';
    if (s === upper(names.transactionFailed)) return 'FAILED';
    return s;
  };
  /**
   * Every row of the card since `since`, whatever its label: every page (KazePay allows 10 of
   * 100), no order assumed, each transaction once. More than that cannot be read whole, and a
   * reconciliation that cannot see everything cannot tell.
   */
  const allRows = async (cardId: string, since: string) => {
    const rows = new Map<string, Awaited<ReturnType<typeof client.queryTransactions>>[number]>();
    for (let pageNum = 1; pageNum <= MAX_TRANSACTION_PAGES; pageNum++) {
      const page = await client.queryTransactions({
        cardID: cardId,
        pageSize: TRANSACTION_PAGE_SIZE,
        pageNum,
        transactionStartTime: since,
      });
      for (const row of page) rows.set(row.transactionId, row);
      if (page.length < TRANSACTION_PAGE_SIZE) return [...rows.values()];
    }
    throw preconditionFailed(
      `card ${cardId} lists more than ${MAX_TRANSACTION_PAGES * TRANSACTION_PAGE_SIZE} transactions since ${since}: they cannot all be read`,
    );
  };
  /**
   * The KazePay card id a card number is bound to, or null when it is not bound. A read that fails
   * leaves an earlier assignment's outcome unknown: the activity is then retried (never sent
   * blind), and the retry reads first.
   */
  const boundCardId = async (cardNumber: string): Promise<string | null> => {
    try {
      return (await client.getCardId({ cardNo: cardNumber })).cardID;
    } catch (readError) {
      if (isCode(readError, names.cardNotFoundCodes)) return null;
      if (readError instanceof ProviderAmbiguousError || readError instanceof ProviderRetryableError) {
        throw new ProviderRetryableError('assignment outcome unknown: the card could not be read', {
          provider: 'kazepay',
          operation: 'getCardId',
          cause: readError,
        });
      }
      throw readError;
    }
  };

  const cardStatus = async (cardId: string) => {
    const { userBankCardStatus } = await client.queryCard({ cardID: cardId });
    return { status: normaliseCardStatus(userBankCardStatus) };
  };

  const rechargeSnapshot = async (cardId: string): Promise<KazepayRechargeSnapshot> => {
    // A minute of margin: the provider's clock and ours need not agree to the second.
    const since = kazepayTime(new Date(Date.now() - 60_000));
    // Every row of the window, whatever its label: a recharge is told apart as the new one.
    const rows = await allRows(cardId, since);
    return { transactionIds: rows.map((r) => r.transactionId), since };
  };

  return {
    async kazepayUploadDocument({ document, email, mobilePrefix, mobileNumber }) {
      const stored = await documents.get(document.ref);
      const { fileId } = await client.fileUpload({
        email,
        mobilePrefix,
        mobileNumber,
        file: { fileName: stored.fileName, content: new Uint8Array(stored.bytes) },
      });
      return { fileId };
    },

    async kazepaySubmitKyc({ applicant, fileIds }) {
      const { status } = await sendUnkeyed('setUcardKyc', () =>
        client.setUcardKyc({
          ...identity(applicant),
          frontImgFileId: fileIds.front,
          ...(fileIds.back ? { backImgFileId: fileIds.back } : {}),
          handheldImgFileId: fileIds.selfie ?? '',
        }),
      );
      return { status: upper(status) };
    },

    async kazepayStartHostedKyc({ applicant }) {
      const { kycUrl } = await sendUnkeyed('setUserKyc', () => client.setUserKyc(identity(applicant)));
      return { kycUrl };
    },

    async kazepayKycStatus({ email, untilDecided }) {
      let status: string;
      try {
        status = upper((await client.queryUcardKycStatus({ email })).status);
      } catch (error) {
        if (isCode(error, names.userNotFoundCodes)) status = 'NONE';
        else throw error;
      }
      if (untilDecided && (status === 'WAITING_KYC' || status === 'NONE'))
        throw stillPending(`KYC review (${status})`);
      return { status };
    },

    kazepayAssignCard: ({ email, cardNumberHandle, autoActive }) =>
      // The card number exists only in the attempts' memory: redeemed as this activity, never returned.
      useSecret(secrets, cardNumberHandle, 'card-number', {
        use: async (cardNumber) => {
          // An earlier attempt may have sent the assignment and lost the answer (or its worker
          // died): a retry reads first, and sends only when the card is not bound.
          if (Context.current().info.attempt > 1) {
            const bound = await boundCardId(cardNumber);
            if (bound) return { cardId: bound };
          }
          for (let sent = 1; ; sent++) {
            try {
              const { cardID } = await client.ucardAssign({ email, cardNumber, autoActive });
              return { cardId: cardID };
            } catch (error) {
              if (!(error instanceof ProviderAmbiguousError)) throw error;
              // Reconcile now, while the number is still at hand: is the card bound already?
              Context.current().log.warn('ucardAssign outcome unknown; reading getCardId');
              const bound = await boundCardId(cardNumber);
              if (bound) return { cardId: bound };
              // Not bound: the assignment did not apply. Send again, or after three lost answers
              // leave it to the activity's retries (each of which reads first).
              if (sent >= 3) {
                throw new ProviderRetryableError(
                  'three assignments lost their answers; the card is not bound',
                  {
                    provider: 'kazepay',
                    operation: 'ucardAssign',
                    cause: error,
                  },
                );
              }
            }
          }
        },
        // The card id (not secret: it is the flow's card reference) lets a retry confirm.
        note: ({ cardId }) => cardId,
        // Assigned in an attempt whose completion was lost: the number is gone, so the card is
        // read by the id the release kept, and must belong to this customer.
        alreadyDone: async (cardId) => {
          if (!cardId) throw preconditionFailed('the card was assigned but its id was not kept');
          const card = await client.queryCard({ cardID: cardId });
          if (upper(card.cardHolderEmail) !== upper(email))
            throw preconditionFailed(`card ${cardId} is not bound to this customer`);
          return { cardId };
        },
      }),

    async kazepayActivateCard({ cardId, code }) {
      try {
        const { status } = await sendUnkeyed('ucardActive', () =>
          client.ucardActive({ cardID: cardId, activationCode: code }),
        );
        return { accepted: true, status: upper(status) };
      } catch (error) {
        if (isCode(error, names.activationCodeErrorCodes)) {
          return { accepted: false, reason: 'the activation code was refused' };
        }
        throw error;
      }
    },

    async kazepayCardStatus({ cardId, until, failOn }) {
      const { status } = await cardStatus(cardId);
      if (failOn?.includes(status)) throw preconditionFailed(`card ${cardId} is ${status}`);
      if (until && !until.includes(status)) {
        // A status the profile does not know is waited out too, but marked as such (UNKNOWN_STATUS).
        if (unknownStatus(status, KAZEPAY_CARD_STATES)) throw unknownStatusPending(`card ${cardId}`, status);
        throw stillPending(`card ${cardId} (${status})`);
      }
      return { status };
    },

    kazepaySetPin: ({ cardId, pinHandle }) =>
      useSecret(secrets, pinHandle, 'pin', {
        use: async (pin) => {
          // Setting the same PIN twice has the same effect as once, so an unknown outcome is
          // retried here at once, with the value in memory.
          for (let attempt = 1; ; attempt++) {
            try {
              await client.cardSetPin({ cardID: cardId, pin });
              return;
            } catch (error) {
              if (!(error instanceof ProviderAmbiguousError) || attempt >= 3) throw error;
              Context.current().heartbeat();
            }
          }
        },
        // Set in an attempt whose completion was lost. KazePay has no read that tells whether a
        // PIN is set (queryCard shows none), so the ending is the proof: it is recorded only
        // after cardSetPin answered success, for this flow's set-PIN step and this handle.
        alreadyDone: async () => undefined,
      }),

    kazepayRechargeSnapshot: ({ cardId }) => rechargeSnapshot(cardId),

    async kazepayDepositPreconditions({ cardId }) {
      const { status } = await cardStatus(cardId);
      // A card that is not ACTIVE fails the flow before it would take the snapshot.
      return status === 'ACTIVE' ? { status, snapshot: await rechargeSnapshot(cardId) } : { status };
    },

    async kazepayRecharge({ cardId, currency, amount }) {
      const r = await sendUnkeyed('cardRecharge', () =>
        client.cardRecharge({ cardID: cardId, currency, amount }),
      );
      return {
        transactionId: r.transactionId,
        status: normaliseTxnStatus(r.transactionStatus),
        amount: r.sendAmount,
        currency,
      };
    },

    async kazepayFindRecharge({ cardId, currency, amount, knownTransactionIds, since }) {
      const known = new Set(knownTransactionIds);
      // New rows of this amount, under any label: the label is a guess (UNCONFIRMED), the amount
      // and the row's absence from the snapshot are not.
      const candidates = (await allRows(cardId, since)).filter(
        (row) =>
          !known.has(row.transactionId) &&
          ((upper(row.cardCurrency) === upper(currency) && new Decimal(row.cardCurrencyAmt).equals(amount)) ||
            (upper(row.transCurrency) === upper(currency) &&
              new Decimal(row.transCurrencyAmt).equals(amount))),
      );
      const labelled = candidates.filter((row) => upper(row.transType) === upper(names.rechargeTransType));
      if (labelled.length > 1) {
        // Two unknown recharges of the same amount: deciding would be a guess. Stop for an operator.
        throw preconditionFailed(`${labelled.length} unexplained recharges of ${amount} on card ${cardId}`);
      }
      if (labelled.length === 1) return rowToRecord(labelled[0]!, normaliseTxnStatus);
      if (candidates.length > 0) {
        // A new row of this amount under another label may be this recharge: never send again on
        // a guess. The operator reads it (and KAZEPAY's label setting can be corrected).
        throw preconditionFailed(
          `a new row of ${amount} ${currency} on card ${cardId} is labelled ${candidates.map((r) => `"${r.transType}"`).join(', ')}, not "${names.rechargeTransType}": it may be this recharge`,
        );
      }
      return null;
    },

    async kazepayRechargeStatus({ cardId, transactionId, untilFinal }) {
      const rows = await client.queryTransactions({
        cardID: cardId,
        transactionId,
        pageSize: 10,
        pageNum: 1,
      });
      const row = rows.find((r) => r.transactionId === transactionId);
      if (!row) {
        if (untilFinal) throw stillPending(`transaction ${transactionId} (not listed yet)`);
        return { transactionId, status: 'PENDING' };
      }
      const record = rowToRecord(row, normaliseTxnStatus);
      // Only the configured final names end the wait: an unknown status is never read as SETTLED
      // or FAILED (KAZEPAY_TRANSACTION_SUCCESS_STATUS / _FAILED_STATUS name them).
      if (untilFinal && !isFinalTransaction(record.status)) {
        if (record.status === 'PENDING') throw stillPending(`transaction ${transactionId} (PENDING)`);
        throw unknownStatusPending(
          `transaction ${transactionId} (not a configured final state)`,
          record.status,
        );
      }
      return record;
    },

    async kazepayCloseCard({ cardId }) {
      const r = await sendUnkeyed('closeCard', () => client.closeCard({ cardID: cardId }));
      return {
        status: normaliseCardStatus(r.status),
        refundAmount: r.refundAmt,
        currency: r.currency,
        transactionId: r.txnId,
      };
    },

    async kazepayFindClose({ cardId }) {
      const { userBankCardStatus, currency } = await client.queryCard({ cardID: cardId });
      const status = normaliseCardStatus(userBankCardStatus);
      if (status !== 'CLOSE_PROCESSING' && status !== 'CLOSED') return null;
      const refunds = (await client.queryTransactions({ cardID: cardId, pageSize: 100, pageNum: 1 })).filter(
        (row) => upper(row.transType) === upper(names.closeRefundTransType),
      );
      const refund = refunds[refunds.length - 1];
      if (!refund) throw preconditionFailed(`card ${cardId} is ${status} but shows no refund transaction`);
      return {
        status,
        refundAmount: refund.cardCurrencyAmt,
        currency: refund.cardCurrency || currency,
        transactionId: refund.transactionId,
      };
    },

    async kazepaySetCardStatus({ cardId, status }) {
      const r = await sendUnkeyed('updCardStatus', () => client.updCardStatus({ cardID: cardId, status }));
      return { status: upper(r.status) };
    },
  };
}

function rowToRecord(
  row: {
    transactionId: string;
    transStatus: string;
    cardCurrencyAmt: string;
    fee: string;
    cardCurrency: string;
    respCodeDesc: string;
  },
  normalise: (s: string) => string,
): KazepayRechargeRecord {
  const status = normalise(row.transStatus);
  return {
    transactionId: row.transactionId,
    status,
    amount: row.cardCurrencyAmt,
    fee: row.fee,
    currency: row.cardCurrency,
    ...(status === 'FAILED' && row.respCodeDesc ? { reason: row.respCodeDesc } : {}),
  };
}
