// How the API reaches flows: through the typed client (src/client), the one front door with the
// one id policy, search attributes and visibility query; here only what HTTP adds: describe a flow
// with Temporal's own NOT_FOUND reading, the same-request check behind a 200, the documents a KYC
// names, secrets as handles, and Temporal errors of a message mapped onto the API's statuses.
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { FAILURE_TYPES, isWorkflowIdOf, type WorkflowType } from '../contract';
import type { CardflowClient } from '../client';
import { FLOW_TYPES } from '../client/flow-types';
import { storedInput } from '../client/stored-input';
import { DocumentNotFoundError, type DocumentStore } from '../documents/document-store';
import type { Logger } from '../logging/logger';
import type { SecretStore } from '../security/secret-store';
import { badRequest, conflict, notFound, parseOr400, refused } from './errors';
import { canonicalJson, FLOW_SPECS, type FlowKind, type FlowSpec } from './flows';
import { flowPresence, TemporalUnavailableError } from './temporal-errors';

export interface FlowAccessDeps {
  cardflow: CardflowClient;
  logger: Logger;
  secrets: SecretStore;
  documents: DocumentStore;
}

export type FlowAccess = ReturnType<typeof createFlowAccess>;

export function createFlowAccess({ cardflow, logger, secrets, documents }: FlowAccessDeps) {
  const client: Client = cardflow.client;
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
  const providePin = async (workflowId: string, pin: string) =>
    cardflow.byId(workflowId).providePin(await secrets.put(pin, { purpose: 'pin' }));

  const assertSameRequest = async (
    spec: FlowSpec,
    workflowId: string,
    runId: string | undefined,
    input: Record<string, unknown>,
  ) => {
    const stored = FLOW_TYPES[spec.type].schema.safeParse(await storedInput(client, workflowId, runId));
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
    // The typed client's id policy (src/client/reuse.ts): a run going, or one that ended without
    // freeing its reference, is answered; a freed reference starts a new run, whatever it asked.
    // Secrets go into the store only when the id is free (a request with secrets describes first).
    const args = spec.args;
    const outcome = await cardflow.starter.startOrFind(
      spec.type,
      input,
      args && ((i) => args(i as Record<string, unknown>, secrets)),
    );
    const { workflowId, runId, started, status } = outcome;
    if (started) logger.info({ workflowId, type: spec.type }, 'api: flow started');
    else if (status !== 'UNKNOWN') await assertSameRequest(spec, workflowId, runId, input);
    return { workflowId, runId, started, status };
  };

  /** The id, if it is one of `type`'s (a 400 otherwise). */
  const idOfType = (id: string, type: WorkflowType) => {
    if (!isWorkflowIdOf(type, id)) throw badRequest(`not a ${type} workflow id`);
    return id;
  };

  return {
    cardflow,
    client,
    describe,
    messageError,
    message,
    providePin,
    assertDocumentsStored,
    startFlow,
    idOfType,
  };
}
