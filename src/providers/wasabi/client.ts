// The typed WasabiCard client: one method per endpoint. Inputs are checked against the spec's
// field rules before anything is signed (ProviderValidationError names field and rule), answers
// are verified, parsed losslessly and checked against the endpoint's schema. Sensitive values are
// decrypted with the merchant private key only where the method says so.
import { z } from 'zod';
import { ProviderResponseIntegrityError, ProviderValidationError } from '../errors';
import { WASABI_PATHS } from './paths';
import * as account from './schemas/account';
import * as card from './schemas/card';
import * as common from './schemas/common';
import * as holder from './schemas/holder';
import * as req from './schemas/requests';
import { decryptSensitive, SensitiveDecryptionError } from './sensitive';
import { page } from './schemas/primitives';
import { parseData, WasabiTransport, type WasabiTransportOptions } from './transport';

export type WasabiClientOptions = WasabiTransportOptions;

type In<T extends z.ZodType> = z.input<T>;

/** Decrypted /card/sensitive. Handle with care: never log it (the logger redacts these keys). */
export interface WasabiSensitiveCard {
  cardNumber: string | null;
  cvv: string | null;
  expireDate: string | null;
  activateUrl: string | null;
}

/** `values` is null (and `undecryptable` true) when it does not decrypt with the merchant key. */
export type WasabiThreeDsDecrypted = Omit<card.WasabiThreeDsRecord, 'values'> &
  ({ values: string; undecryptable?: never } | { values: null; undecryptable: true });

export function validateRequest<T extends z.ZodType>(
  schema: T,
  input: unknown,
  operation: string,
): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    // Our rule messages; zod's own fallbacks for type errors ("expected string…") never echo values.
    rule: issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.message,
  }));
  throw new ProviderValidationError(issues, { provider: 'wasabi', operation });
}

export class WasabiClient {
  readonly transport: WasabiTransport;

  constructor(options: WasabiClientOptions | WasabiTransport) {
    this.transport = options instanceof WasabiTransport ? options : new WasabiTransport(options);
  }

  /** Validates, calls and parses: the shape of every JSON endpoint. */
  private async op<Q extends z.ZodType, R extends z.ZodType>(
    path: string,
    request: Q | undefined,
    input: unknown,
    response: R,
  ): Promise<z.output<R>> {
    const params = request ? (validateRequest(request, input, path) as Record<string, unknown>) : undefined;
    const { envelope } = await this.transport.call(path, params);
    return parseData(response, envelope.data, path);
  }

  /** Decrypts one value, turning failure into ResponseIntegrity (the value is never shown). */
  decrypt(value: string, operation = 'decrypt'): string {
    try {
      return decryptSensitive(value, this.transport.merchantPrivateKey);
    } catch (error) {
      if (error instanceof SensitiveDecryptionError)
        throw new ProviderResponseIntegrityError(`sensitive value undecryptable: ${error.message}`, {
          provider: 'wasabi',
          operation,
          cause: error,
        });
      throw error;
    }
  }

  // --- card types ----------------------------------------------------------------------------

  cardTypes() {
    return this.op(WASABI_PATHS.cardTypesV2, undefined, undefined, z.array(card.cardTypeV2Schema));
  }
  cardTypesV1() {
    return this.op(WASABI_PATHS.cardTypesV1, undefined, undefined, z.array(card.cardTypeV1Schema));
  }

  // --- opening ---------------------------------------------------------------------------------

  /** v1 openCard (the seed's): the create order (amount = card fee); cardNo only once it succeeds. */
  async openCard(input: In<typeof req.openCardRequest>): Promise<card.WasabiOrder> {
    const orders = await this.op(WASABI_PATHS.openCard, req.openCardRequest, input, card.openCardDataSchema);
    return orders[0] as card.WasabiOrder;
  }
  /** v2 createCard: one order for card and first deposit; cardNo usually returned at once. */
  createCard(input: In<typeof req.createCardRequest>) {
    return this.op(WASABI_PATHS.createCardV2, req.createCardRequest, input, card.orderSchema);
  }

  // --- reading a card --------------------------------------------------------------------------

  cardInfo(input: In<typeof req.cardInfoRequest>) {
    return this.op(WASABI_PATHS.cardInfo, req.cardInfoRequest, input, card.cardInfoSchema);
  }
  /** /card/sensitive, decrypted with the merchant private key. */
  async sensitive(input: In<typeof req.cardNoRequest>): Promise<WasabiSensitiveCard> {
    const raw = await this.op(WASABI_PATHS.sensitive, req.cardNoRequest, input, card.sensitiveSchema);
    const open = (v: string | null | undefined) => (v ? this.decrypt(v, WASABI_PATHS.sensitive) : null);
    return {
      cardNumber: open(raw.cardNumber),
      cvv: open(raw.cvv),
      expireDate: open(raw.expireDate),
      // UNCONFIRMED spelling: one C# model says activeUrl.
      activateUrl: open(raw.activateUrl ?? (raw as { activeUrl?: string | null }).activeUrl),
    };
  }
  balance(input: In<typeof req.cardNoRequest>) {
    return this.op(WASABI_PATHS.balance, req.cardNoRequest, input, card.balanceSchema);
  }
  listCards(input: In<typeof req.cardListRequest> = {}) {
    return this.op(WASABI_PATHS.cardList, req.cardListRequest, input, card.cardListSchema);
  }

  // --- state changes ---------------------------------------------------------------------------

  freezeV1(input: In<typeof req.cardNoRequest>) {
    return this.op(WASABI_PATHS.freezeV1, req.cardNoRequest, input, card.v1StatusSchema);
  }
  unfreezeV1(input: In<typeof req.cardNoRequest>) {
    return this.op(WASABI_PATHS.unfreezeV1, req.cardNoRequest, input, card.v1StatusSchema);
  }
  freeze(input: In<typeof req.freezeOrderRequest>) {
    return this.op(WASABI_PATHS.freezeV2, req.freezeOrderRequest, input, card.orderSchema);
  }
  unfreeze(input: In<typeof req.freezeOrderRequest>) {
    return this.op(WASABI_PATHS.unfreezeV2, req.freezeOrderRequest, input, card.orderSchema);
  }
  deposit(input: In<typeof req.depositRequest>) {
    return this.op(WASABI_PATHS.deposit, req.depositRequest, input, card.orderSchema);
  }
  withdraw(input: In<typeof req.withdrawRequest>) {
    return this.op(WASABI_PATHS.withdraw, req.withdrawRequest, input, card.orderSchema);
  }
  cancel(input: In<typeof req.cardOrderRequest>) {
    return this.op(WASABI_PATHS.cancel, req.cardOrderRequest, input, card.orderSchema);
  }
  activeCard(input: In<typeof req.activeCardRequest>) {
    return this.op(WASABI_PATHS.activeCard, req.activeCardRequest, input, card.activeCardSchema);
  }
  updatePin(input: In<typeof req.updatePinRequest>) {
    return this.op(WASABI_PATHS.updatePin, req.updatePinRequest, input, card.orderSchema);
  }

  // --- operation logs and transactions ---------------------------------------------------------

  transactions(input: In<typeof req.transactionQueryRequest> = {}) {
    return this.op(WASABI_PATHS.transactionV2, req.transactionQueryRequest, input, card.orderPageSchema);
  }
  /** The v1 operation log (the seed's "Card Transaction"): `type` is required. */
  transactionsV1(input: In<typeof req.transactionV1QueryRequest>) {
    return this.op(WASABI_PATHS.transactionV1, req.transactionV1QueryRequest, input, card.orderPageSchema);
  }
  /**
   * Reconciliation after an ambiguous call: the orders carrying `merchantOrderNo`, from the v2
   * log and, when `includeV1` (cards opened with v1 openCard are absent from v2), the v1 log.
   * The v1 log requires a `type` (seed 002): it is asked once per type in `v1Types` (default:
   * every type its request table lists) until one answers with the order.
   * Empty means the provider never accepted that order: resend it with the same number.
   */
  async findOrders(
    merchantOrderNo: string,
    options: { includeV1?: boolean; v1Types?: readonly req.V1TransactionType[] } = {},
  ): Promise<card.WasabiOrder[]> {
    const v2 = await this.transactions({ merchantOrderNo, pageNum: 1, pageSize: 100 });
    if (v2.records.length > 0 || !options.includeV1) return v2.records;
    for (const type of options.v1Types ?? Object.values(req.V1_TRANSACTION_TYPES)) {
      const v1 = await this.transactionsV1({ merchantOrderNo, type, pageNum: 1, pageSize: 100 });
      if (v1.records.length > 0) return v1.records;
    }
    return [];
  }
  /** Card purchases (card fee and first deposit per create order); not pushed by webhook. */
  purchaseTransactions(input: In<typeof req.purchaseTransactionRequest> = {}) {
    return this.op(
      WASABI_PATHS.purchaseTransaction,
      req.purchaseTransactionRequest,
      input,
      page(card.purchaseTransactionSchema),
    );
  }
  authTransactions(input: In<typeof req.authTransactionQueryRequest> = {}) {
    return this.op(
      WASABI_PATHS.authTransaction,
      req.authTransactionQueryRequest,
      input,
      page(card.authTransactionSchema),
    );
  }
  authFeeTransactions(input: In<typeof req.authFeeTransactionQueryRequest> = {}) {
    return this.op(
      WASABI_PATHS.authFeeTransaction,
      req.authFeeTransactionQueryRequest,
      input,
      page(card.authFeeTransactionSchema),
    );
  }
  /**
   * 3DS records with `values` decrypted (OTP, auth URL or physical activation code). A record
   * whose value does not decrypt with the merchant key keeps its place with `values: null` and
   * `undecryptable: true` (the value itself is never shown): one bad record does not hide the
   * others.
   */
  async threeDsTransactions(input: In<typeof req.authTransactionQueryRequest> = {}) {
    const found = await this.op(
      WASABI_PATHS.third3dsTransaction,
      req.authTransactionQueryRequest,
      input,
      page(card.threeDsRecordSchema),
    );
    return {
      total: found.total,
      records: found.records.map((r): WasabiThreeDsDecrypted => {
        try {
          return { ...r, values: decryptSensitive(r.values, this.transport.merchantPrivateKey) };
        } catch (error) {
          if (!(error instanceof SensitiveDecryptionError)) throw error;
          return { ...r, values: null, undecryptable: true };
        }
      }),
    };
  }
  /** Sandbox-only on the real platform too: creates card spend and its webhooks. */
  async simulateAuthTransaction(input: In<typeof req.simulateAuthRequest>): Promise<void> {
    await this.op(WASABI_PATHS.simulateAuth, req.simulateAuthRequest, input, z.unknown());
  }

  // --- cardholders -----------------------------------------------------------------------------

  occupations() {
    return this.op(WASABI_PATHS.holderOccupations, undefined, undefined, z.array(holder.occupationSchema));
  }
  createHolder(input: In<typeof req.holderCreateRequest>) {
    return this.op(WASABI_PATHS.holderCreateV2, req.holderCreateRequest, input, holder.holderResultSchema);
  }
  /** Only allowed after a `reject` at `admin`; the holder goes back to `wait_audit`. */
  updateHolder(input: In<typeof req.holderUpdateRequest>) {
    return this.op(WASABI_PATHS.holderUpdateV2, req.holderUpdateRequest, input, holder.holderResultSchema);
  }
  queryHolders(input: In<typeof req.holderQueryRequest> = {}) {
    return this.op(WASABI_PATHS.holderQuery, req.holderQueryRequest, input, holder.holderPageSchema);
  }
  updateHolderEmail(input: In<typeof req.holderUpdateEmailRequest>) {
    return this.op(
      WASABI_PATHS.holderUpdateEmail,
      req.holderUpdateEmailRequest,
      input,
      holder.updateEmailResultSchema,
    );
  }

  // --- merchant account ------------------------------------------------------------------------

  accountInfo() {
    return this.op(WASABI_PATHS.accountInfo, undefined, undefined, account.accountListSchema);
  }
  listAccounts(input: In<typeof req.accountListRequest> = {}) {
    return this.op(WASABI_PATHS.accountList, req.accountListRequest, input, account.accountPageSchema);
  }
  queryAccount(input: In<typeof req.accountQueryRequest>) {
    return this.op(
      WASABI_PATHS.accountQuery,
      req.accountQueryRequest,
      input,
      z.union([account.accountSchema, account.accountListSchema]),
    );
  }
  accountLedger(input: In<typeof req.accountTransactionRequest> = {}) {
    return this.op(
      WASABI_PATHS.accountTransaction,
      req.accountTransactionRequest,
      input,
      account.ledgerPageSchema,
    );
  }

  /** A new shared (MARGIN) account. */
  createAccount(input: In<typeof req.accountCreateRequest>) {
    return this.op(WASABI_PATHS.accountCreate, req.accountCreateRequest, input, account.accountSchema);
  }
  /** Moves money between the merchant's accounts; `true` when done. Idempotent by merchantOrderNo (20–40). */
  async transfer(input: In<typeof req.accountTransferRequest>): Promise<boolean> {
    return (
      (await this.op(WASABI_PATHS.accountTransfer, req.accountTransferRequest, input, z.boolean())) === true
    );
  }

  // --- common ----------------------------------------------------------------------------------

  regions() {
    return this.op(WASABI_PATHS.regions, undefined, undefined, z.array(common.regionSchema));
  }
  cities(input: In<typeof req.cityRequest> = {}) {
    return this.op(WASABI_PATHS.cities, req.cityRequest, input, z.array(common.citySchema));
  }
  mobileAreaCodes() {
    return this.op(WASABI_PATHS.mobileAreaCodes, undefined, undefined, z.array(common.mobileAreaCodeSchema));
  }
  /**
   * multipart upload signed over `{}`. `category` is UNCONFIRMED (seen as `card` in clients);
   * sent only when given.
   */
  async uploadFile(file: { bytes: Uint8Array; fileName: string; contentType: string }, category?: string) {
    const operation = WASABI_PATHS.fileUpload;
    const issues: Array<{ field: string; rule: string }> = [];
    if (!/\.(jpe?g|png|pdf)$/i.test(file.fileName))
      issues.push({ field: 'file', rule: 'jpg, jpeg, png or pdf' });
    // UNCONFIRMED size limit (wrapper comment): 2 MB.
    if (file.bytes.byteLength === 0 || file.bytes.byteLength > 2 * 1024 * 1024)
      issues.push({ field: 'file', rule: 'size 1 byte..2 MB' });
    if (issues.length) throw new ProviderValidationError(issues, { provider: 'wasabi', operation });
    const { envelope } = await this.transport.upload(operation, file, category ? { category } : {});
    return parseData(common.uploadResultSchema, envelope.data, operation);
  }
}
