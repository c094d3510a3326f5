// The card account's updates (deposit, freeze, unfreeze, close): sent to the account, or with
// `account` given, as an update-with-start that creates it when missing. A deposit's update id is
// its ref, so a repeated request is the same update, answered once.
import { type Client, WorkflowUpdateStage } from '@temporalio/client';
import {
  type CardAccountInput,
  closeUpdate,
  depositUpdate,
  depositUpdateId,
  freezeUpdate,
  unfreezeUpdate,
  workflowIds,
} from '../contract';
import type { CardKey } from './business-keys';
import type { Starter } from './starts';

export const ACCOUNT_UPDATES = {
  deposit: depositUpdate,
  freeze: freezeUpdate,
  unfreeze: unfreezeUpdate,
  close: closeUpdate,
};
export type AccountOperation = keyof typeof ACCOUNT_UPDATES;

export interface AccountUpdateRequest {
  key: CardKey;
  operation: AccountOperation;
  /** The deposit's ref and amount (checked by the caller), for `deposit`. */
  deposit?: { depositRef: string; amount: string };
  /** The account to create when it does not exist yet (checked by the caller). */
  account?: CardAccountInput;
}

export function createAccountUpdates(client: Client, starter: Starter) {
  const prepare = ({ key, operation, deposit, account }: AccountUpdateRequest) => {
    const definition = ACCOUNT_UPDATES[operation] as typeof depositUpdate;
    const args = operation === 'deposit' && deposit ? [deposit] : [];
    const updateId =
      operation === 'deposit' && deposit ? depositUpdateId(deposit.depositRef, deposit.amount) : undefined;
    return {
      definition,
      // The SDK types each update's args; these are the update's own.
      options: { args, ...(updateId ? { updateId } : {}) } as never,
      handle: client.workflow.getHandle(workflowIds.cardAccount(key.provider, key.cardRef)),
      startWorkflowOperation: account ? starter.accountStartOperation(account) : undefined,
    };
  };

  return {
    /** Sends the update and answers its result, once the account has carried it out. */
    async complete(request: AccountUpdateRequest): Promise<unknown> {
      const { definition, options, handle, startWorkflowOperation } = prepare(request);
      if (!startWorkflowOperation) return handle.executeUpdate(definition, options);
      return client.workflow.executeUpdateWithStart(definition, {
        ...(options as object),
        startWorkflowOperation,
      } as never);
    },

    /** Sends the update and answers once the account accepted it (its child flows run on). */
    async accept(request: AccountUpdateRequest): Promise<{ updateId: string }> {
      const { definition, options, handle, startWorkflowOperation } = prepare(request);
      const waitForStage = WorkflowUpdateStage.ACCEPTED;
      const update = startWorkflowOperation
        ? await client.workflow.startUpdateWithStart(definition, {
            ...(options as object),
            startWorkflowOperation,
            waitForStage,
          } as never)
        : await handle.startUpdate(definition, { ...(options as object), waitForStage } as never);
      return { updateId: update.updateId };
    },
  };
}
