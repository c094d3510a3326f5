// createCardflowClient: one function per flow and message of the contract, on top of
// @temporalio/client. Every input is checked with the contract's zod schemas before anything is
// sent; ids come from `workflowIds`, so starting the same thing twice addresses the same workflow.
import type { Client } from '@temporalio/client';
import {
  accountDepositSchema,
  type ActivationCodeOutcome,
  type ActivationInput,
  type ActivationResult,
  type CardAccountInput,
  cardAccountInputSchema,
  type CardAccountState,
  cardAccountStateQuery,
  type CardAccountStatus,
  type ClosureInput,
  type ClosureResult,
  Decimal,
  type DepositInput,
  depositInputSchema,
  type DepositResult,
  type FlowStatus,
  type IssuanceInput,
  type IssuanceResult,
  type KycInput,
  type KycResubmission,
  type KycResult,
  kycUrlQuery,
  type OutcomeResolution,
  type Provider,
  type ProviderNotification,
  providerSchema,
  stateQuery,
  TASK_QUEUE,
  workflowIds,
  type WorkflowType,
} from '../contract';
import type { CodecKeyring } from '../security/codec-keys';
import { createAccountUpdates } from './account-updates';
import type { ActivationKey, CardKey } from './business-keys';
import { checkInput, DepositConflictError } from './errors';
import { type Flow, type FlowMessages, flowOf, messagesOf } from './flow-handle';
import { FLOW_TYPES } from './flow-types';
import { type FlowSummary, type ListFilter, listFilterSchema, listFlows, listPage } from './listing';
import { codecKeyringOf } from './notification-keys';
import { createStarter } from './starts';
import { storedInput } from './stored-input';

export interface CardflowClientOptions {
  /** A client built with cardflow's data converter (src/security/data-converter.ts). */
  client: Client;
  taskQueue?: string;
  /**
   * The keys notification routing digests are made with (notification-keys.ts). Default: the
   * codec keyring of the client's data converter, the one every door of a deployment shares.
   */
  routingKeyring?: CodecKeyring;
}

export type CardflowClient = ReturnType<typeof createCardflowClient>;

export function createCardflowClient({
  client,
  taskQueue = TASK_QUEUE,
  routingKeyring,
}: CardflowClientOptions) {
  const starter = createStarter({
    client,
    taskQueue,
    routingKeyring: routingKeyring ?? codecKeyringOf(client),
  });
  const accounts = createAccountUpdates(client, starter);
  const handleOf = (workflowId: string) => client.workflow.getHandle(workflowId);
  const messagesTo = (workflowId: string) => messagesOf(() => handleOf(workflowId));

  /** Starts a flow of `type` from an input the contract's schema accepts, or answers the existing one. */
  async function start<R, S = FlowStatus>(type: WorkflowType, input: unknown): Promise<Flow<R, S>> {
    const parsed = checkInput(type, FLOW_TYPES[type].schema, input);
    return flowOf<R, S>((await starter.startOrFind(type, parsed)).handle);
  }

  const account = (input: CardAccountInput) => checkInput('cardAccount', cardAccountInputSchema, input);
  const keyOf = (input: CardAccountInput): CardKey => ({ provider: input.provider, cardRef: input.cardRef });

  return {
    client,
    /** Starts flows and card-account updates for the other doors (the API): inputs checked by them. */
    starter,
    accounts,

    // ---- starting flows (idempotent) ----

    startKyc: (input: KycInput): Promise<Flow<KycResult>> => start('kycVerification', input),
    startActivation: (input: ActivationInput): Promise<Flow<ActivationResult>> =>
      start('physicalCardActivation', input),
    startIssuance: (input: IssuanceInput): Promise<Flow<IssuanceResult>> =>
      start('virtualCardIssuance', input),

    /**
     * Starts the deposit, or answers the one already made under its depositRef (running or
     * ended: a ref moves money once). The same ref with another amount or currency throws
     * DepositConflictError.
     */
    async startDeposit(input: DepositInput): Promise<Flow<DepositResult>> {
      const p = checkInput('cardDeposit', depositInputSchema, input);
      const { workflowId, started, handle } = await starter.startOrFind('cardDeposit', p);
      // Started now: the run holds these terms. Found: the terms it runs with must be ours.
      if (!started) {
        const first = depositInputSchema.safeParse(await storedInput(client, workflowId));
        if (
          first.success &&
          (first.data.currency !== p.currency || !new Decimal(first.data.amount).equals(p.amount))
        )
          throw new DepositConflictError(workflowId, {
            amount: first.data.amount,
            currency: first.data.currency,
          });
      }
      return flowOf<DepositResult>(handle);
    },

    startClosure: (input: ClosureInput): Promise<Flow<ClosureResult>> => start('cardClosure', input),
    // The account's `state` query answers its richer status (same query name).
    startCardAccount: (input: CardAccountInput): Promise<Flow<void, CardAccountStatus>> =>
      start<void, CardAccountStatus>('cardAccount', input),

    /** Any flow by its workflow id (ids from `list`, the Web UI or an API answer), with its messages. */
    byId: (workflowId: string): Flow<unknown> & FlowMessages => ({
      ...flowOf(handleOf(workflowId)),
      ...messagesTo(workflowId),
    }),

    // ---- handles by business key ----

    kyc: (provider: Provider, customerRef: string): Flow<KycResult> =>
      flowOf(
        handleOf(workflowIds.kycVerification(checkInput('provider', providerSchema, provider), customerRef)),
      ),
    activation: (key: ActivationKey): Flow<ActivationResult> =>
      flowOf(handleOf(workflowIds.physicalCardActivation(key.provider, key.customerRef, key.requestRef))),
    issuance: (customerRef: string, requestRef: string): Flow<IssuanceResult> =>
      flowOf(handleOf(workflowIds.virtualCardIssuance('wasabi', customerRef, requestRef))),
    deposit: (key: CardKey, depositRef: string): Flow<DepositResult> =>
      flowOf(handleOf(workflowIds.cardDeposit(key.provider, key.cardRef, depositRef))),
    closure: (key: CardKey): Flow<ClosureResult> =>
      flowOf(handleOf(workflowIds.cardClosure(key.provider, key.cardRef))),
    cardAccount: (key: CardKey): Flow<void, CardAccountStatus> => {
      const handle = handleOf(workflowIds.cardAccount(key.provider, key.cardRef));
      return { ...flowOf(handle), state: () => handle.query(cardAccountStateQuery) };
    },

    /** The `state` query of any flow by workflow id. */
    getState: (workflowId: string): Promise<FlowStatus> => handleOf(workflowId).query(stateQuery),
    /** The result of any flow by workflow id. */
    getResult: <R = unknown>(workflowId: string): Promise<R> => handleOf(workflowId).result() as Promise<R>,
    /** KazePay hosted KYC: the URL the customer must visit, once known. */
    kycUrl: (customerRef: string): Promise<string | null> =>
      handleOf(workflowIds.kycVerification('kazepay', customerRef)).query(kycUrlQuery),

    // ---- messages ----

    /** WasabiCard: a corrected resubmission after a rejection (only while AWAITING_RESUBMISSION). */
    resubmitKyc: async (provider: Provider, customerRef: string, resubmission: KycResubmission) =>
      messagesTo(workflowIds.kycVerification(provider, customerRef)).resubmitKyc(resubmission),
    submitActivationCode: async (key: ActivationKey, code: string): Promise<ActivationCodeOutcome> =>
      messagesTo(
        workflowIds.physicalCardActivation(key.provider, key.customerRef, key.requestRef),
      ).submitActivationCode(code),
    /** The PIN as a secret-store handle, never the PIN itself. */
    providePin: async (key: ActivationKey, pinHandle: string) =>
      messagesTo(
        workflowIds.physicalCardActivation(key.provider, key.customerRef, key.requestRef),
      ).providePin(pinHandle),
    /** A verified provider notification for a flow: makes it read the provider now. */
    providerNotification: async (workflowId: string, notification: ProviderNotification): Promise<void> =>
      messagesTo(workflowId).providerNotification(notification),
    /**
     * An operator's answer to a flow in NEEDS_RECONCILIATION (money or state may have moved and
     * the provider's records could not tell): applied (with the provider's transaction id where
     * the step follows one) or not applied (the flow sends again). Refused when nothing awaits it.
     */
    resolveOutcome: async (workflowId: string, resolution: OutcomeResolution): Promise<{ accepted: true }> =>
      messagesTo(workflowId).resolveOutcome(resolution),

    // ---- cardAccount: create the account if needed, then act (update-with-start) ----

    async accountDeposit(
      input: CardAccountInput,
      deposit: { depositRef: string; amount: string | number },
    ): Promise<DepositResult> {
      const d = checkInput('deposit', accountDepositSchema, deposit);
      const a = account(input);
      return accounts.complete({
        key: keyOf(a),
        operation: 'deposit',
        deposit: d,
        account: a,
      }) as Promise<DepositResult>;
    },
    accountFreeze: async (input: CardAccountInput) => {
      const a = account(input);
      return accounts.complete({ key: keyOf(a), operation: 'freeze', account: a }) as Promise<{
        state: CardAccountState;
      }>;
    },
    accountUnfreeze: async (input: CardAccountInput) => {
      const a = account(input);
      return accounts.complete({ key: keyOf(a), operation: 'unfreeze', account: a }) as Promise<{
        state: CardAccountState;
      }>;
    },
    accountClose: async (input: CardAccountInput) => {
      const a = account(input);
      return accounts.complete({ key: keyOf(a), operation: 'close', account: a }) as Promise<ClosureResult>;
    },

    // ---- visibility ----

    /** Flows by provider, type, state, customer or card reference (search attributes). */
    list: async (filter: ListFilter = {}): Promise<FlowSummary[]> =>
      listFlows(client, checkInput('list', listFilterSchema, filter)),
    /** One page of the same listing, from the page token of the previous one (the API's cursor). */
    listPage: (filter: Parameters<typeof listPage>[1], page: Parameters<typeof listPage>[2]) =>
      listPage(client, filter, page),
  };
}
