// How the API reaches flows in Temporal: describe one, start one under the typed client's id policy,
// address one by type, and map a Temporal error of a message to the API's statuses.
import {
  type Client,
  type WorkflowHandle,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import {
  CardFlow,
  CardProvider,
  CardRef,
  CustomerRef,
  FAILURE_TYPES,
  flowSummary,
  providePinUpdate,
  type Provider,
} from '../contract';
import { idStanding, startPolicy } from '../client/reuse';
import { storedInput } from '../client/stored-input';
import { DocumentNotFoundError, type DocumentStore } from '../documents/document-store';
import type { Logger } from '../logging/logger';
import type { SecretStore } from '../security/secret-store';
import { badRequest, conflict, notFound, parseOr400, refused } from './errors';
import { canonicalJson, FLOW_SPECS, type FlowKind, type FlowSpec, ID_PREFIX } from './flows';
import { flowPresence, TemporalUnavailableError } from './temporal-errors';
import type { NotificationRouter } from './webhooks';

export interface FlowAccessDeps {
  client: Client;
  logger: Logger;
  secrets: SecretStore;
  documents: DocumentStore;
  router: NotificationRouter;
  taskQueue: string;
}

export type FlowAccess = ReturnType<typeof createFlowAccess>;

export function createFlowAccess({ client, logger, secrets, documents, router, taskQueue }: FlowAccessDeps) {
  const describe = async (workflowId: string) => {
    try {
      return await client.workflow.getHandle(workflowId).describe();
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      // The SDK calls every NOT_FOUND a missing workflow; only Temporal's own details say so.
      if ((await flowPresence(client, workflowId)) === 'missing') return undefined;
      throw new TemporalUnavailableError('a NOT_FOUND for a flow that exists', { cause: error });
    }
  };

  /** Maps a Temporal error of a message to a flow onto the API's statuses. */
  const messageError = async (error: unknown, workflowId: string): Promise<never> => {
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause;
      const message = cause instanceof Error ? cause.message : 'refused';
      // A business key used again with other terms (a depositRef with another amount).
      if ((cause as { type?: string } | undefined)?.type === FAILURE_TYPES.conflict) throw conflict(message);
      throw refused(message);
    }
    if (error instanceof WorkflowNotFoundError || (error as Error)?.name === 'WorkflowNotFoundError') {
      const found = await describe(workflowId);
      if (found) throw conflict(`the flow has ended (${found.status.name})`);
      throw notFound(`no flow ${workflowId}`, [workflowId]);
    }
    throw error;
  };

  /** Sends a message to a flow, its Temporal errors mapped onto the API's statuses. */
  const message = async <T>(workflowId: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      return messageError(error, workflowId);
    }
  };

  /** Stores the PIN and sends the flow its handle: the PIN itself never reaches Temporal. */
  const providePin = async (handle: WorkflowHandle, pin: string) => {
    const pinHandle = await secrets.put(pin, { purpose: 'pin' });
    return handle.executeUpdate(providePinUpdate, { args: [{ pinHandle }] });
  };

  const searchAttributes = (spec: FlowSpec, input: Record<string, unknown>): SearchAttributePair[] => {
    const refs = spec.refs(input);
    return [
      { key: CardFlow, value: spec.type },
      { key: CardProvider, value: input.provider as string },
      ...(refs.customerRef ? [{ key: CustomerRef, value: refs.customerRef }] : []),
      ...(refs.cardRef ? [{ key: CardRef, value: refs.cardRef }] : []),
    ] as SearchAttributePair[];
  };

  const assertSameRequest = async (
    spec: FlowSpec,
    workflowId: string,
    runId: string,
    input: Record<string, unknown>,
  ) => {
    const stored = spec.stored.safeParse(await storedInput(client, workflowId, runId));
    if (!stored.success) return; // started by someone else with another shape: not ours to judge
    if (
      canonicalJson(spec.comparable(stored.data as Record<string, unknown>)) !==
      canonicalJson(spec.comparable(input))
    )
      throw conflict(
        `${workflowId} exists with other details; the same business keys must carry the same request`,
        [workflowId],
      );
  };

  /** Every document a KYC names must be in the store before anything reaches a provider. */
  const assertDocumentsStored = async (docs: unknown, where: string) => {
    const missing = [];
    for (const [name, doc] of Object.entries((docs ?? {}) as Record<string, { ref?: string } | undefined>)) {
      if (!doc?.ref) continue;
      try {
        await documents.get(doc.ref);
      } catch (error) {
        if (!(error instanceof DocumentNotFoundError)) throw error;
        missing.push({
          path: `${where}.${name}.ref`,
          message: 'no such document (upload it with POST /documents)',
        });
      }
    }
    if (missing.length) throw badRequest('unknown document', missing);
  };

  const startFlow = async (kind: FlowKind, body: unknown) => {
    const spec: FlowSpec = FLOW_SPECS[kind];
    const input = parseOr400(spec.body, body, 'body') as Record<string, unknown>;
    if (kind === 'kyc') await assertDocumentsStored(input.documents, 'body.documents');
    const workflowId = spec.id(input);
    if (kind === 'kyc') {
      const applicant = input.applicant as { email: string };
      router.rememberKyc(workflowId, input.provider as Provider, applicant.email);
    }
    // The typed client's id policy (src/client/reuse.ts): a run going, or one that ended without
    // freeing its reference, is answered; a freed reference starts a new run, whatever it asked.
    const standing = await idStanding(client, spec.type, workflowId);
    if (standing.kind === 'running' || (standing.kind === 'closed' && !standing.reusable)) {
      await assertSameRequest(spec, workflowId, standing.runId, input);
      const status = standing.kind === 'running' ? 'RUNNING' : standing.status;
      return { workflowId, runId: standing.runId, started: false, status };
    }
    const args = await spec.args(input, secrets);
    try {
      const handle = await client.workflow.start(spec.type, {
        workflowId,
        taskQueue,
        args: [args],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: startPolicy(spec.type, standing),
        typedSearchAttributes: searchAttributes(spec, input),
        staticSummary: flowSummary(spec.type, input),
      });
      logger.info({ workflowId, type: spec.type }, 'api: flow started');
      return { workflowId, runId: handle.firstExecutionRunId, started: true, status: 'RUNNING' };
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      const found = await describe(workflowId);
      return { workflowId, runId: found?.runId, started: false, status: found?.status.name ?? 'UNKNOWN' };
    }
  };

  /** A handle on a flow whose id must be of `type` (a 400 otherwise). */
  const flowOfType = (id: string, type: keyof typeof ID_PREFIX) => {
    if (!id.startsWith(`${ID_PREFIX[type]}:`)) throw badRequest(`not a ${type} workflow id`);
    return client.workflow.getHandle(id);
  };

  return {
    client,
    describe,
    messageError,
    message,
    providePin,
    searchAttributes,
    assertDocumentsStored,
    startFlow,
    flowOfType,
  };
}
