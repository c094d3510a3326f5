// The typed client library: one function per flow and message of the contract (src/contract),
// on top of @temporalio/client, for services written in TypeScript. Every input is checked with
// the contract's zod schemas before anything is sent; ids come from `workflowIds`, so starting
// the same thing twice addresses the same workflow.
//
//   const { client } = await connectClient(temporalTarget(), createDataConverter(keyring));
//   const cardflow = createCardflowClient({ client });
//   const kyc = await cardflow.startKyc({ provider: 'wasabi', customerRef, cardTypeId, applicant });
//   const { outcome } = await kyc.result();
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { z } from 'zod';
import {
  accountDepositSchema,
  type ActivationCodeOutcome,
  activationCodeSchema,
  activationInputSchema,
  type ActivationInput,
  type ActivationResult,
  CardFlow,
  type CardAccountInput,
  cardAccountInputSchema,
  type CardAccountState,
  cardAccountStateQuery,
  type CardAccountStatus,
  CardProvider,
  CardRef,
  CardState,
  closeUpdate,
  type ClosureInput,
  closureInputSchema,
  type ClosureResult,
  CustomerRef,
  Decimal,
  type DepositInput,
  type DepositTerms,
  depositInputSchema,
  type DepositResult,
  depositUpdate,
  depositUpdateId,
  type FlowStatus,
  flowSummary,
  freezeUpdate,
  type IssuanceInput,
  issuanceInputSchema,
  type IssuanceResult,
  type KycInput,
  kycInputSchema,
  type KycResubmission,
  kycResubmissionSchema,
  type KycResult,
  kycUrlQuery,
  type Provider,
  type ProviderNotification,
  providerNotificationSchema,
  providerNotificationSignal,
  providerSchema,
  providePinSchema,
  providePinUpdate,
  type OutcomeResolution,
  outcomeResolutionSchema,
  refSchema,
  resolveOutcomeUpdate,
  resubmitKycUpdate,
  stateQuery,
  submitActivationCodeUpdate,
  TASK_QUEUE,
  unfreezeUpdate,
  WORKFLOW_TYPES,
  workflowIds,
  type WorkflowType,
} from '../contract';
import { type CodecKeyring, loadCodecKeyring } from '../security/codec-keys';
import { idStanding, REUSE_POLICY, startPolicy } from './reuse';
import { flowStartOptions, startOptions as sharedStartOptions } from './start-options';
import { storedInput } from './stored-input';

export { REUSE_POLICY, REUSE_RULE, type ReuseRule, idStanding } from './reuse';
import { createDataConverter } from '../security/data-converter';
import { connectClient, type TemporalTarget, temporalTarget } from '../config/temporal-connection';

/** An input refused by the contract's schema: nothing was sent. Issues name fields and rules, never values. */
export class CardflowInputError extends Error {
  override name = 'CardflowInputError';
  constructor(
    readonly what: string,
    readonly issues: ReadonlyArray<{ path: string; message: string }>,
  ) {
    super(`${what}: invalid input: ${issues.map((i) => `${i.path || '(input)'}: ${i.message}`).join('; ')}`);
  }
}

/** `value` as `schema` reads it, or CardflowInputError naming the fields (the client's own check). */
export function checkInput<S extends z.ZodType>(what: string, schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new CardflowInputError(
    what,
    parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  );
}

/** A started (or already existing) flow. */
export interface Flow<Result, Status = FlowStatus> {
  workflowId: string;
  handle: WorkflowHandle;
  /** The flow's result; rejects with WorkflowFailedError (cause: the contract's failure type). */
  result(): Promise<Result>;
  /** The `state` query. */
  state(): Promise<Status>;
}

/** What `list` answers per flow (search attributes only: opaque references, no personal data). */
export interface FlowSummary {
  workflowId: string;
  runId: string;
  type: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, ... */
  status: string;
  provider?: string;
  flow?: string;
  state?: string;
  customerRef?: string;
  cardRef?: string;
  startTime: Date;
  closeTime?: Date;
}

export const listFilterSchema = z.object({
  provider: providerSchema.optional(),
  flow: z.enum(Object.values(WORKFLOW_TYPES) as [WorkflowType, ...WorkflowType[]]).optional(),
  state: z
    .string()
    .regex(/^[A-Z][A-Z_]{0,63}$/, 'expected a state name such as WAITING_FOR_REVIEW')
    .optional(),
  customerRef: refSchema.optional(),
  cardRef: refSchema.optional(),
  /** Only running flows (true) or only closed ones (false). */
  running: z.boolean().optional(),
  /** At most this many (default 100). */
  limit: z.number().int().min(1).max(1000).default(100),
});
export type ListFilter = z.input<typeof listFilterSchema>;

/** The visibility query for a filter (values are schema-checked: no quoting can be broken). */
export function listQuery(filter: z.output<typeof listFilterSchema>): string {
  const parts: string[] = [];
  if (filter.provider) parts.push(`${CardProvider.name} = '${filter.provider}'`);
  if (filter.flow) parts.push(`${CardFlow.name} = '${filter.flow}'`);
  if (filter.state) parts.push(`${CardState.name} = '${filter.state}'`);
  if (filter.customerRef) parts.push(`${CustomerRef.name} = '${filter.customerRef}'`);
  if (filter.cardRef) parts.push(`${CardRef.name} = '${filter.cardRef}'`);
  if (filter.running !== undefined) parts.push(`ExecutionStatus ${filter.running ? '=' : '!='} 'Running'`);
  // Only cardflow's flows: those carry CardFlow.
  if (!filter.flow) parts.push(`${CardFlow.name} IS NOT NULL`);
  return parts.join(' AND ');
}

/** Ids of the flows addressed by business keys. */
export interface ActivationKey {
  provider: Provider;
  customerRef: string;
  requestRef: string;
}
export interface CardKey {
  provider: Provider;
  cardRef: string;
}

/** A depositRef was used before with another amount or currency: nothing was started or moved. */
export class DepositConflictError extends Error {
  override readonly name = 'DepositConflictError';
  constructor(
    readonly workflowId: string,
    readonly first: DepositTerms,
  ) {
    super(
      `${workflowId} was already made for ${first.amount} ${first.currency}: a repeat must carry the same amount and currency`,
    );
  }
}

export interface CardflowClientOptions {
  /** A client built with cardflow's data converter (src/security/data-converter.ts). */
  client: Client;
  taskQueue?: string;
}

export type CardflowClient = ReturnType<typeof createCardflowClient>;

export function createCardflowClient({ client, taskQueue = TASK_QUEUE }: CardflowClientOptions) {
  const flow = <R, S = FlowStatus>(handle: WorkflowHandle): Flow<R, S> => ({
    workflowId: handle.workflowId,
    handle,
    result: () => handle.result() as Promise<R>,
    state: () => handle.query(stateQuery) as Promise<S>,
  });

  const startOptions = (
    type: WorkflowType,
    workflowId: string,
    input: unknown,
    provider: Provider,
    refs: { customerRef?: string; cardRef?: string },
    summary: string,
  ) => sharedStartOptions(type, workflowId, input, provider, refs, summary, taskQueue);

  /**
   * Starts, or answers the flow already under that id: running, or closed without freeing its
   * reference (`reuse.ts`: a money flow is started again only after failing before any send).
   */
  async function start<R, S = FlowStatus>(
    type: WorkflowType,
    options: ReturnType<typeof startOptions>,
  ): Promise<Flow<R, S>> {
    const standing = await idStanding(client, type, options.workflowId);
    if (standing.kind === 'running' || (standing.kind === 'closed' && !standing.reusable))
      return flow<R, S>(client.workflow.getHandle(options.workflowId));
    try {
      return flow<R, S>(
        await client.workflow.start(type, { ...options, workflowIdReusePolicy: startPolicy(type, standing) }),
      );
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError)
        return flow<R, S>(client.workflow.getHandle(options.workflowId));
      throw error;
    }
  }

  const handleOf = (workflowId: string) => client.workflow.getHandle(workflowId);

  const accountStart = (input: CardAccountInput) => {
    const parsed = checkInput('cardAccount', cardAccountInputSchema, input);
    const options = startOptions(
      'cardAccount',
      workflowIds.cardAccount(parsed.provider, parsed.cardRef),
      parsed,
      parsed.provider,
      { customerRef: parsed.customerRef, cardRef: parsed.cardRef },
      flowSummary('cardAccount', parsed),
    );
    const operation = () =>
      new WithStartWorkflowOperation(WORKFLOW_TYPES.cardAccount, {
        ...options,
        // A closed account is never reopened by a late update.
        workflowIdReusePolicy: REUSE_POLICY.cardAccount,
      });
    return { options, operation };
  };

  return {
    client,

    // ---- starting flows (idempotent) ----

    async startKyc(input: KycInput): Promise<Flow<KycResult>> {
      const p = checkInput('kycVerification', kycInputSchema, input);
      return start('kycVerification', flowStartOptions('kycVerification', p, taskQueue));
    },

    async startActivation(input: ActivationInput): Promise<Flow<ActivationResult>> {
      const p = checkInput('physicalCardActivation', activationInputSchema, input);
      return start('physicalCardActivation', flowStartOptions('physicalCardActivation', p, taskQueue));
    },

    async startIssuance(input: IssuanceInput): Promise<Flow<IssuanceResult>> {
      const p = checkInput('virtualCardIssuance', issuanceInputSchema, input);
      return start('virtualCardIssuance', flowStartOptions('virtualCardIssuance', p, taskQueue));
    },

    /**
     * Starts the deposit, or answers the one already made under its depositRef (running or
     * ended: a ref moves money once). The same ref with another amount or currency throws
     * DepositConflictError.
     */
    async startDeposit(input: DepositInput): Promise<Flow<DepositResult>> {
      const p = checkInput('cardDeposit', depositInputSchema, input);
      const terms: DepositTerms = { amount: p.amount, currency: p.currency };
      const deposit = await start<DepositResult>(
        'cardDeposit',
        flowStartOptions('cardDeposit', p, taskQueue),
      );
      // Started now or found: either way the terms the flow runs with must be ours.
      const first = depositInputSchema.safeParse(await storedInput(client, deposit.workflowId));
      if (
        first.success &&
        (first.data.currency !== terms.currency || !new Decimal(first.data.amount).equals(terms.amount))
      )
        throw new DepositConflictError(deposit.workflowId, {
          amount: first.data.amount,
          currency: first.data.currency,
        });
      return deposit;
    },

    async startClosure(input: ClosureInput): Promise<Flow<ClosureResult>> {
      const p = checkInput('cardClosure', closureInputSchema, input);
      return start('cardClosure', flowStartOptions('cardClosure', p, taskQueue));
    },

    async startCardAccount(input: CardAccountInput): Promise<Flow<void, CardAccountStatus>> {
      // The account's `state` query answers its richer status (same query name).
      const { options } = accountStart(input);
      return start<void, CardAccountStatus>('cardAccount', options);
    },

    /** Any flow by its workflow id (ids from `list`, the Web UI or an API answer). */
    byId: (workflowId: string): Flow<unknown> => flow(handleOf(workflowId)),

    // ---- handles by business key ----

    kyc: (provider: Provider, customerRef: string): Flow<KycResult> =>
      flow(
        handleOf(workflowIds.kycVerification(checkInput('provider', providerSchema, provider), customerRef)),
      ),
    activation: (key: ActivationKey): Flow<ActivationResult> =>
      flow(handleOf(workflowIds.physicalCardActivation(key.provider, key.customerRef, key.requestRef))),
    issuance: (customerRef: string, requestRef: string): Flow<IssuanceResult> =>
      flow(handleOf(workflowIds.virtualCardIssuance('wasabi', customerRef, requestRef))),
    deposit: (key: CardKey, depositRef: string): Flow<DepositResult> =>
      flow(handleOf(workflowIds.cardDeposit(key.provider, key.cardRef, depositRef))),
    closure: (key: CardKey): Flow<ClosureResult> =>
      flow(handleOf(workflowIds.cardClosure(key.provider, key.cardRef))),
    cardAccount: (key: CardKey): Flow<void, CardAccountStatus> => {
      const handle = handleOf(workflowIds.cardAccount(key.provider, key.cardRef));
      return { ...flow(handle), state: () => handle.query(cardAccountStateQuery) };
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
    async resubmitKyc(provider: Provider, customerRef: string, resubmission: KycResubmission) {
      const p = checkInput('resubmitKyc', kycResubmissionSchema, resubmission);
      return handleOf(workflowIds.kycVerification(provider, customerRef)).executeUpdate(resubmitKycUpdate, {
        args: [p],
      });
    },

    async submitActivationCode(key: ActivationKey, code: string): Promise<ActivationCodeOutcome> {
      const p = checkInput('submitActivationCode', activationCodeSchema, { code });
      return handleOf(
        workflowIds.physicalCardActivation(key.provider, key.customerRef, key.requestRef),
      ).executeUpdate(submitActivationCodeUpdate, { args: [p] });
    },

    /** The PIN as a secret-store handle, never the PIN itself. */
    async providePin(key: ActivationKey, pinHandle: string) {
      const p = checkInput('providePin', providePinSchema, { pinHandle });
      return handleOf(
        workflowIds.physicalCardActivation(key.provider, key.customerRef, key.requestRef),
      ).executeUpdate(providePinUpdate, { args: [p] });
    },

    /** A verified provider notification for a flow: makes it read the provider now. */
    async providerNotification(workflowId: string, notification: ProviderNotification): Promise<void> {
      const p = checkInput('providerNotification', providerNotificationSchema, notification);
      return handleOf(workflowId).signal(providerNotificationSignal, p);
    },

    // ---- cardAccount: create the account if needed, then act (update-with-start) ----

    async accountDeposit(
      account: CardAccountInput,
      deposit: { depositRef: string; amount: string | number },
    ): Promise<DepositResult> {
      const d = checkInput('deposit', accountDepositSchema, deposit);
      const operation = accountStart(account).operation();
      return client.workflow.executeUpdateWithStart(depositUpdate, {
        args: [d],
        // The ref is the update id: a repeated call is the same update, answered once.
        updateId: depositUpdateId(d.depositRef, d.amount),
        startWorkflowOperation: operation,
      });
    },
    async accountFreeze(account: CardAccountInput): Promise<{ state: CardAccountState }> {
      const operation = accountStart(account).operation();
      return client.workflow.executeUpdateWithStart(freezeUpdate, {
        args: [],
        startWorkflowOperation: operation,
      });
    },
    async accountUnfreeze(account: CardAccountInput): Promise<{ state: CardAccountState }> {
      const operation = accountStart(account).operation();
      return client.workflow.executeUpdateWithStart(unfreezeUpdate, {
        args: [],
        startWorkflowOperation: operation,
      });
    },
    async accountClose(account: CardAccountInput): Promise<ClosureResult> {
      const operation = accountStart(account).operation();
      return client.workflow.executeUpdateWithStart(closeUpdate, {
        args: [],
        startWorkflowOperation: operation,
      });
    },

    /**
     * An operator's answer to a flow in NEEDS_RECONCILIATION (money or state may have moved and
     * the provider's records could not tell): applied (with the provider's transaction id where
     * the step follows one) or not applied (the flow sends again). Refused when nothing awaits it.
     */
    async resolveOutcome(workflowId: string, resolution: OutcomeResolution): Promise<{ accepted: true }> {
      const r = checkInput('resolveOutcome', outcomeResolutionSchema, resolution);
      return handleOf(workflowId).executeUpdate(resolveOutcomeUpdate, { args: [r] });
    },

    // ---- visibility ----

    /** Flows by provider, type, state, customer or card reference (search attributes). */
    async list(filter: ListFilter = {}): Promise<FlowSummary[]> {
      const f = checkInput('list', listFilterSchema, filter);
      const out: FlowSummary[] = [];
      for await (const info of client.workflow.list({
        query: listQuery(f),
        pageSize: Math.min(f.limit, 100),
      })) {
        const sa = info.typedSearchAttributes;
        out.push({
          workflowId: info.workflowId,
          runId: info.runId,
          type: info.type,
          status: info.status.name,
          provider: sa.get(CardProvider),
          flow: sa.get(CardFlow),
          state: sa.get(CardState),
          customerRef: sa.get(CustomerRef),
          cardRef: sa.get(CardRef),
          startTime: info.startTime,
          ...(info.closeTime ? { closeTime: info.closeTime } : {}),
        });
        if (out.length >= f.limit) break;
      }
      return out;
    },
  };
}

/**
 * A cardflow client from connection settings: the Temporal target from TEMPORAL_* (envconfig)
 * and the codec keyring from CARDFLOW_CODEC_KEYS, unless given. Close `connection` when done.
 */
export async function connectCardflowClient(
  options: { target?: TemporalTarget; keyring?: CodecKeyring; env?: NodeJS.ProcessEnv } = {},
) {
  const env = options.env ?? process.env;
  const keyring = options.keyring ?? loadCodecKeyring({ env }).keyring;
  const { client, connection } = await connectClient(
    options.target ?? temporalTarget(env),
    createDataConverter(keyring),
  );
  return { cardflow: createCardflowClient({ client }), connection };
}
