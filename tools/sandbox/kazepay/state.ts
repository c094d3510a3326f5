// The KazePay sandbox's world: cardholders and their KYC, uploaded files, physical card stock,
// assigned cards, recharges and closures, and the money in a double-entry ledger. Each
// operation checks what KazePay would check and moves state the way spec §0.4 describes;
// pending states move on through the scheduler (timings are knobs) or by scripted outcomes.
// The records it keeps are declared in model.ts.
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { LosslessNumber } from 'lossless-json';
import { Decimal } from '../../../src/contract/money';
import { InsufficientFundsError, Ledger } from '../common/ledger';
import type { SandboxRequestOf } from './schemas';
import { SANDBOX_ERROR_CODES as E } from './options';
import {
  type Card,
  type Cardholder,
  cardAccount,
  HOSTED_KYC_PATH,
  IN_TRANSIT_ACCOUNT,
  type InboxMessage,
  type KazepayStateOptions,
  type KycStatus,
  makeCardNumber,
  MERCHANT_ACCOUNT,
  type RechargeScript,
  SandboxBusinessError,
  type StoredFile,
  type Transaction,
} from './model';

const money = (value: string) => new Decimal(value).toFixed(2);
const num = (value: string) => new LosslessNumber(money(value));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const nowText = () => new Date().toISOString().replace('T', ' ').slice(0, 19);

export class KazepayState {
  readonly ledger = new Ledger();
  readonly cardholders = new Map<string, Cardholder>();
  readonly files = new Map<string, StoredFile>();
  readonly cards = new Map<string, Card>();
  readonly transactions: Transaction[] = [];
  readonly inbox: InboxMessage[] = [];
  /** Unassigned physical card numbers. */
  readonly stock = new Set<string>();
  readonly kycScript = new Map<string, KycStatus>();
  readonly activationScript = new Map<string, 'ACTIVE' | 'FAILED'>();
  readonly rechargeScript: RechargeScript[] = [];
  webhookUrl: string | undefined;
  /** Whether hosted KYC also ends on the review timer (option hostedKycTimer; tests may flip it). */
  hostedKycTimer: boolean;
  private nextCardId: number;

  constructor(private readonly o: KazepayStateOptions) {
    this.nextCardId = o.firstCardId ?? 3377;
    this.hostedKycTimer = o.hostedKycTimer;
    this.ledger.ensureAccount(MERCHANT_ACCOUNT, o.currency);
    this.ledger.ensureAccount(IN_TRANSIT_ACCOUNT, o.currency);
    if (new Decimal(o.merchantBalance).gt(0))
      this.ledger.fund(MERCHANT_ACCOUNT, money(o.merchantBalance), {
        kind: 'merchant_funding',
        ref: 'initial',
      });
    for (let i = 0; i < o.physicalCards; i++) this.stock.add(makeCardNumber());
    for (const email of o.rejectKycEmails) this.kycScript.set(email.toLowerCase(), 'REJECTED');
  }

  get timings() {
    return this.o.timings;
  }

  get statusNames() {
    return this.o.statusNames;
  }

  /** The invented refusals in force (option preconditions; tests may flip one). */
  get preconditions() {
    return this.o.preconditions;
  }

  // ------------------------------------------------------------ KYC

  fileUpload(fields: { email: string; mobileNumber: string; mobilePrefix: string }, file: StoredFile) {
    this.files.set(file.fileId, file);
    return { encrypt: 'SUCCESS', fileId: file.fileId };
  }

  private startKyc(
    input: { email: string; mobileNumber: string; mobilePrefix: string } & Record<string, unknown>,
    variant: Cardholder['kycVariant'],
  ): Cardholder {
    const email = input.email.toLowerCase();
    const existing = this.cardholders.get(email);
    if (existing?.kycStatus === 'WAITING_KYC')
      throw new SandboxBusinessError(E.kycInReview, 'KYC is under review');
    if (existing?.kycStatus === 'PASSED')
      throw new SandboxBusinessError(E.kycAlreadyPassed, 'KYC already passed');
    const holder: Cardholder = {
      email,
      mobileNumber: input.mobileNumber,
      mobilePrefix: input.mobilePrefix,
      kycStatus: 'WAITING_KYC',
      kycVariant: variant,
      kycSubmissions: (existing?.kycSubmissions ?? 0) + 1,
      identity: { ...input },
    };
    this.cardholders.set(email, holder);
    if (variant !== 'hosted' || this.hostedKycTimer)
      this.o.scheduler.after(this.o.timings.kycReviewMs, () => {
        this.finishKyc(email);
      });
    return holder;
  }

  /**
   * Ends a review now: with `outcome` (the hosted page's reviewer) or as scripted, PASSED by
   * default (the scheduler). False when there is no review in progress.
   */
  finishKyc(email: string, outcome?: 'PASSED' | 'REJECTED'): boolean {
    const holder = this.cardholders.get(email.toLowerCase());
    if (!holder || holder.kycStatus !== 'WAITING_KYC') return false;
    holder.kycStatus = outcome ?? this.kycScript.get(holder.email) ?? 'PASSED';
    this.o.onEvent({ event: 'kycStatusNotify', body: { email: holder.email, status: holder.kycStatus } });
    return true;
  }

  /** The applicant behind a hosted kycUrl (its latest submission only). */
  hostedKycApplicant(token: string): Cardholder | undefined {
    return [...this.cardholders.values()].find((h) => h.kycVariant === 'hosted' && h.kycToken === token);
  }

  private requireFile(fileId: string | undefined, email: string, field: string) {
    if (fileId === undefined) return;
    const file = this.files.get(fileId);
    if (!file || file.email.toLowerCase() !== email.toLowerCase())
      throw new SandboxBusinessError(E.fileNotFound, `${field}: no uploaded file with this id for this user`);
  }

  setUcardKyc(input: SandboxRequestOf<'setUcardKyc'>) {
    this.requireFile(input.frontImgFileId, input.email, 'frontImgFileId');
    this.requireFile(input.backImgFileId, input.email, 'backImgFileId');
    this.requireFile(input.handheldImgFileId, input.email, 'handheldImgFileId');
    const holder = this.startKyc(input, 'files');
    return { encrypt: 'SUCCESS', status: holder.kycStatus };
  }

  setUcardKycBase64(input: SandboxRequestOf<'setUcardKycBase64'>) {
    const holder = this.startKyc(input, 'base64');
    return { encrypt: 'SUCCESS', status: holder.kycStatus };
  }

  setUserKyc(input: SandboxRequestOf<'setUserKyc'>) {
    const holder = this.startKyc(input, 'hosted');
    holder.kycToken = randomUUID();
    holder.kycUrl = `${this.o.baseUrl()}${HOSTED_KYC_PATH}${holder.kycToken}`;
    return { encrypt: 'SUCCESS', kycUrl: holder.kycUrl };
  }

  queryUcardKycStatus(input: SandboxRequestOf<'queryUcardKycStatus'>) {
    const holder = this.cardholders.get(input.email.toLowerCase());
    if (!holder) throw new SandboxBusinessError(E.userNotFound, 'no KYC submitted for this user');
    return { encrypt: 'SUCCESS', status: holder.kycStatus };
  }

  // ------------------------------------------------------------ cards

  private card(cardID: string): Card {
    const card = this.cards.get(cardID);
    if (!card) throw new SandboxBusinessError(E.cardNotFound, 'no such card');
    return card;
  }

  ucardAssign(input: SandboxRequestOf<'ucardAssign'>) {
    const holder = this.cardholders.get(input.email.toLowerCase());
    // A user KazePay never heard of (no KYC submitted) has no mobile number to put on the card.
    if (!holder) throw new SandboxBusinessError(E.userNotFound, 'no KYC submitted for this user');
    if (this.preconditions.kycBeforeAssign && holder.kycStatus !== 'PASSED')
      throw new SandboxBusinessError(E.kycNotPassed, 'the user has not passed KYC');
    if (!this.stock.has(input.cardNumber)) {
      const assigned = [...this.cards.values()].some((c) => c.cardNo === input.cardNumber);
      throw assigned
        ? new SandboxBusinessError(E.cardAlreadyAssigned, 'the card is already assigned')
        : new SandboxBusinessError(E.cardNotFound, 'no such physical card in stock');
    }
    this.stock.delete(input.cardNumber);
    const cardID = String(this.nextCardId++);
    const expiry = new Date();
    const card: Card = {
      cardID,
      cardNo: input.cardNumber,
      physical: true,
      email: holder.email,
      status: this.o.statusNames.cardAwaitingActivation,
      currency: this.o.currency,
      expiryDate: `${String((expiry.getUTCFullYear() + 3) % 100).padStart(2, '0')}${String(expiry.getUTCMonth() + 1).padStart(2, '0')}`,
      mobileNumber: holder.mobileNumber,
      mobilePrefix: holder.mobilePrefix,
      countryCode: String(holder.identity.countryCode ?? ''),
    };
    this.cards.set(cardID, card);
    this.ledger.ensureAccount(cardAccount(cardID), this.o.currency);
    if (input.autoActive) {
      this.beginActivation(card);
    } else {
      card.activationCode = String(randomInt(10_000_000, 100_000_000));
      this.inbox.push({
        id: randomUUID(),
        email: holder.email,
        cardID,
        kind: 'activation-code',
        activationCode: card.activationCode,
        at: new Date().toISOString(),
        taken: false,
      });
    }
    return { encrypt: 'SUCCESS', cardID };
  }

  private beginActivation(card: Card) {
    card.status = 'ACTIVE_PROCESSING';
    this.o.scheduler.after(this.o.timings.activationMs, () => this.finishActivation(card.cardID));
  }

  finishActivation(cardID: string): void {
    const card = this.cards.get(cardID);
    if (!card || card.status !== 'ACTIVE_PROCESSING') return;
    card.status =
      this.activationScript.get(cardID) === 'FAILED' ? this.o.statusNames.cardActivationFailed : 'ACTIVE';
    this.o.onEvent({ event: 'cardStatusNotify', body: { cardID, status: card.status } });
  }

  ucardActive(input: SandboxRequestOf<'ucardActive'>) {
    const card = this.card(input.cardID);
    const holder = this.cardholders.get(card.email);
    if (!holder || holder.kycStatus !== 'PASSED')
      throw new SandboxBusinessError(E.kycNotPassed, 'the cardholder has not passed KYC');
    const awaiting = card.status === this.o.statusNames.cardAwaitingActivation;
    if (!awaiting && this.preconditions.awaitingActivationBeforeActivate)
      throw new SandboxBusinessError(E.cardStatusError, `the card is ${card.status}`);
    if (!card.activationCode || input.activationCode !== card.activationCode)
      throw new SandboxBusinessError(E.activationCodeError, 'wrong activation code');
    // Not awaiting (a repeat after a lost answer): the card's own state, nothing restarted.
    if (awaiting) this.beginActivation(card);
    return { encrypt: 'SUCCESS', cardID: card.cardID, status: card.status };
  }

  cardSetPin(input: SandboxRequestOf<'cardSetPin'>) {
    const card = this.card(input.cardID);
    if (this.preconditions.activeCardForPin && card.status !== 'ACTIVE' && card.status !== 'INACTIVE')
      throw new SandboxBusinessError(E.cardStatusError, `the card is ${card.status}`);
    card.pinHash = sha256(`${card.cardID}:${input.pin}`);
    return { encrypt: 'SUCCESS' };
  }

  pinMatches(cardID: string, pin: string): boolean {
    const card = this.cards.get(cardID);
    return !!card?.pinHash && card.pinHash === sha256(`${cardID}:${pin}`);
  }

  queryCard(input: SandboxRequestOf<'queryCard'>) {
    const card = this.card(input.cardID);
    return {
      cardID: card.cardID,
      cardNo: card.cardNo,
      ...(card.cvv ? { cardCvv: card.cvv } : {}),
      expiryDate: card.expiryDate,
      currency: card.currency,
      userBankCardStatus: card.status,
      cardHolderEmail: card.email,
      cardHolderMobileNumber: card.mobileNumber,
      cardHolderMobilePrefix: card.mobilePrefix,
      countryCode: 'HONG KONG',
      billingState: 'HONG KONG',
      billingCity: 'HONG KONG',
      billingAddress: '1 SANDBOX ROAD CENTRAL HK',
      billingZipCode: '000000',
    };
  }

  cardBalance(input: SandboxRequestOf<'cardBalance'>) {
    const card = this.card(input.cardID);
    if (input.currency !== card.currency)
      throw new SandboxBusinessError(E.currencyNotSupported, `the card is in ${card.currency}`);
    return {
      cardID: card.cardID,
      currency: card.currency,
      avaBalance: num(this.ledger.balance(cardAccount(card.cardID))),
      blockBalance: num('0'),
    };
  }

  getCardId(input: SandboxRequestOf<'getCardId'>) {
    const card = [...this.cards.values()].find((c) => c.cardNo === input.cardNo);
    if (!card) throw new SandboxBusinessError(E.cardNotFound, 'no card with this number');
    return { cardID: card.cardID, cardNo: card.cardNo };
  }

  updCardStatus(input: SandboxRequestOf<'updCardStatus'>) {
    const card = this.card(input.cardID);
    if (card.status !== 'ACTIVE' && card.status !== 'INACTIVE')
      throw new SandboxBusinessError(E.cardStatusError, `the card is ${card.status}`);
    card.status = input.status;
    return { cardID: card.cardID, status: card.status };
  }

  // ------------------------------------------------------------ money

  cardRecharge(input: SandboxRequestOf<'cardRecharge'>) {
    const card = this.card(input.cardID);
    if (card.status !== 'ACTIVE' && card.status !== 'INACTIVE')
      throw new SandboxBusinessError(E.cardStatusError, `the card is ${card.status}`);
    if (input.currency !== card.currency)
      throw new SandboxBusinessError(E.currencyNotSupported, `the card is in ${card.currency}`);
    const amount = money(input.amount);
    const transactionId = `LM${Date.now()}${randomInt(1_000_000, 10_000_000)}`;
    try {
      this.ledger.transfer(MERCHANT_ACCOUNT, IN_TRANSIT_ACCOUNT, amount, {
        kind: 'recharge',
        ref: transactionId,
      });
    } catch (error) {
      if (error instanceof InsufficientFundsError)
        throw new SandboxBusinessError(E.insufficientBalance, 'the merchant account balance is insufficient');
      throw error;
    }
    const script = this.rechargeScript.shift() ?? {};
    const txn: Transaction = {
      transactionId,
      cardID: card.cardID,
      kind: 'recharge',
      amount,
      currency: card.currency,
      status: 'PENDING',
      time: nowText(),
      outcome: script.outcome ?? 'success',
      ...(script.pendingPolls !== undefined ? { pendingPollsLeft: script.pendingPolls } : {}),
    };
    this.transactions.push(txn);
    if (txn.pendingPollsLeft === undefined)
      this.o.scheduler.after(this.o.timings.rechargeSettleMs, () => this.settleRecharge(transactionId));
    return {
      cardID: card.cardID,
      currency: card.currency,
      transactionId,
      transactionStatus: txn.status,
      sendAmount: amount,
    };
  }

  settleRecharge(transactionId: string): void {
    const txn = this.transactions.find((t) => t.transactionId === transactionId);
    if (!txn || txn.status !== 'PENDING') return;
    if (txn.outcome === 'success') {
      this.ledger.transfer(IN_TRANSIT_ACCOUNT, cardAccount(txn.cardID), txn.amount, {
        kind: 'recharge_settled',
        ref: transactionId,
      });
      txn.status = this.o.statusNames.transactionSuccess;
    } else {
      this.ledger.transfer(IN_TRANSIT_ACCOUNT, MERCHANT_ACCOUNT, txn.amount, {
        kind: 'recharge_refund',
        ref: transactionId,
      });
      txn.status = this.o.statusNames.transactionFailed;
    }
    this.o.onEvent({
      event: 'rechargeNotify',
      body: {
        cardID: txn.cardID,
        transactionId,
        transactionStatus: txn.status,
        amount: txn.amount,
        currency: txn.currency,
      },
    });
  }

  queryTransactions(input: SandboxRequestOf<'queryTransactions'>) {
    this.card(input.cardID);
    const rows = this.transactions.filter(
      (t) =>
        t.cardID === input.cardID &&
        (input.transactionId === undefined || t.transactionId === input.transactionId) &&
        (input.transactionStartTime === undefined || t.time >= input.transactionStartTime) &&
        (input.transactionEndTime === undefined || t.time <= input.transactionEndTime),
    );
    const pageSize = input.pageSize ?? 10;
    const pageNum = input.pageNum ?? 1;
    const page = rows.slice((pageNum - 1) * pageSize, pageNum * pageSize);
    for (const txn of page) {
      if (txn.pendingPollsLeft === undefined || txn.status !== 'PENDING') continue;
      if (txn.pendingPollsLeft > 0) txn.pendingPollsLeft--;
      else this.settleRecharge(txn.transactionId);
    }
    // Title case, as in the seed's example ("Pending"): clients must compare case-insensitively.
    const title = (s: string) => s.charAt(0) + s.slice(1).toLowerCase();
    return page.map((t) => ({
      cardID: t.cardID,
      transactionId: t.transactionId,
      transactionTime: t.time,
      cardCurrency: t.currency,
      cardCurrencyAmt: num(t.amount),
      transCurrency: t.currency,
      transCurrencyAmt: num(t.amount),
      feeCurrency: t.currency,
      fee: num('0'),
      transStatus: title(t.status),
      transType:
        t.kind === 'recharge' ? this.o.transactionTypes.recharge : this.o.transactionTypes.closeRefund,
      merchantName: 'KAZEPAY',
      respCode: '000000',
      respCodeDesc: 'SUCCESS',
    }));
  }

  closeCard(input: SandboxRequestOf<'closeCard'>) {
    const card = this.card(input.cardID);
    if (card.status !== 'ACTIVE' && card.status !== 'INACTIVE')
      throw new SandboxBusinessError(E.cardStatusError, `the card is ${card.status}`);
    const refundAmt = money(this.ledger.balance(cardAccount(card.cardID)));
    const txnId = `${Date.now()}${randomInt(100_000, 1_000_000)}`;
    if (new Decimal(refundAmt).gt(0))
      this.ledger.transfer(cardAccount(card.cardID), IN_TRANSIT_ACCOUNT, refundAmt, {
        kind: 'close',
        ref: txnId,
      });
    card.status = 'CLOSE_PROCESSING';
    this.transactions.push({
      transactionId: txnId,
      cardID: card.cardID,
      kind: 'close_refund',
      amount: refundAmt,
      currency: card.currency,
      status: 'PENDING',
      time: nowText(),
      outcome: 'success',
    });
    this.o.scheduler.after(this.o.timings.closeMs, () => this.finishClose(card.cardID, txnId));
    return { cardID: card.cardID, status: card.status, refundAmt, currency: card.currency, txnId };
  }

  finishClose(cardID: string, txnId: string): void {
    const card = this.cards.get(cardID);
    const txn = this.transactions.find((t) => t.transactionId === txnId);
    if (!card || !txn || card.status !== 'CLOSE_PROCESSING') return;
    if (new Decimal(txn.amount).gt(0))
      this.ledger.transfer(IN_TRANSIT_ACCOUNT, MERCHANT_ACCOUNT, txn.amount, {
        kind: 'close_refund',
        ref: txnId,
      });
    // A recharge that settled after the close request is swept back as well.
    const late = this.ledger.balance(cardAccount(cardID));
    if (new Decimal(late).gt(0))
      this.ledger.transfer(cardAccount(cardID), MERCHANT_ACCOUNT, late, { kind: 'close_refund', ref: txnId });
    card.status = this.o.statusNames.cardClosed;
    txn.status = this.o.statusNames.transactionSuccess;
    this.o.onEvent({
      event: 'closeCardNotify',
      body: { cardID, status: card.status, refundAmt: txn.amount, currency: card.currency, txnId },
    });
  }

  // ------------------------------------------------------------ virtual cards (optional)

  createCard(input: SandboxRequestOf<'createCard'>) {
    const cardID = String(this.nextCardId++);
    const card: Card = {
      cardID,
      cardNo: makeCardNumber(input.cardBin.slice(0, 6)),
      physical: false,
      email: input.email.toLowerCase(),
      status: 'AUDITING',
      currency: this.o.currency,
      expiryDate: '2912',
      cvv: String(randomInt(100, 1000)),
      mobileNumber: input.mobileNumber,
      mobilePrefix: input.mobilePrefix,
      countryCode: '',
    };
    this.cards.set(cardID, card);
    this.ledger.ensureAccount(cardAccount(cardID), this.o.currency);
    this.o.scheduler.after(this.o.timings.virtualCardMs, () => {
      if (card.status !== 'AUDITING') return;
      card.status = 'ACTIVE';
      this.o.onEvent({ event: 'cardStatusNotify', body: { cardID, status: card.status } });
    });
    return { cardID, status: card.status };
  }

  createCardQuery(input: SandboxRequestOf<'createCardQuery'>) {
    const card = this.card(input.cardID);
    return { cardID: card.cardID, status: card.status };
  }
}
