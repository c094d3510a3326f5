// The cardflow arm: the same lifecycle as the product's workflows, started through the typed
// client on the dev server and run by the worker process. Each step waits for the flow's result
// before starting the next, as a calling service would.
import { Client, Connection } from '@temporalio/client';
import { createCardflowClient } from '../../src/client';
import type { CodecKeyring } from '../../src/security/codec-keys';
import { createDataConverter } from '../../src/security/data-converter';
import { historySizes, type HistorySize } from './histories';
import { benchApplicant, lifecycleRefs, type LifecycleOutcome, type LifecycleSettings } from './lifecycle';

export interface CardflowArm {
  run(index: number): Promise<LifecycleOutcome>;
  /** Events and encoded bytes of each workflow's history (every flow of one lifecycle). */
  histories(workflowIds: readonly string[]): Promise<HistorySize[]>;
  close(): Promise<void>;
}

export async function createCardflowArm(options: {
  runId: string;
  /** Tells apart lifecycles of different dev servers (storage settings) in one run. */
  tag: string;
  settings: LifecycleSettings;
  address: string;
  keyring: CodecKeyring;
  /**
   * The waits of the KYC review, the card order, the deposit settlement and the closure (each ends
   * on its WasabiCard notification: webhook-block.ts); default the settings' poll interval and
   * deadline.
   */
  notifiedWait?: { deadline: string; pollInterval: string };
}): Promise<CardflowArm> {
  const { settings } = options;
  const connection = await Connection.connect({ address: options.address });
  const client = new Client({
    connection,
    namespace: 'default',
    dataConverter: createDataConverter(options.keyring),
  });
  const cardflow = createCardflowClient({ client });
  const wait = { deadline: settings.deadline, pollInterval: settings.pollInterval };
  const notified = options.notifiedWait ?? wait;

  async function run(index: number): Promise<LifecycleOutcome> {
    const refs = lifecycleRefs(options.runId, `cf${options.tag}`, index);
    const { customerRef } = refs;
    const provider = 'wasabi' as const;

    const kyc = await cardflow.startKyc({
      provider,
      customerRef,
      cardTypeId: settings.cardTypeId,
      applicant: benchApplicant(refs.key),
      review: notified,
    });
    const kycResult = await kyc.result();
    if (kycResult.outcome !== 'PASSED' || !kycResult.holderId)
      throw new Error(`KYC ended ${kycResult.outcome}`);
    const holderId = kycResult.holderId;

    const issuance = await cardflow.startIssuance({
      provider,
      customerRef,
      requestRef: refs.requestRef,
      cardTypeId: settings.cardTypeId,
      initialDeposit: settings.initialDeposit,
      holderId,
      order: notified,
    });
    const issued = await issuance.result();
    if (issued.outcome !== 'ISSUED' || !issued.cardRef) throw new Error(`issuance ended ${issued.outcome}`);
    const cardRef = issued.cardRef;

    const deposit = await cardflow.startDeposit({
      provider,
      cardRef,
      depositRef: refs.depositRef,
      amount: settings.depositAmount,
      currency: settings.currency,
      customerRef,
      settlement: notified,
    });
    const deposited = await deposit.result();
    if (deposited.outcome !== 'SETTLED') throw new Error(`deposit ended ${deposited.outcome}`);

    const closure = await cardflow.startClosure({ provider, cardRef, customerRef, completion: notified });
    const closed = await closure.result();

    return {
      holderId,
      cardNo: cardRef,
      depositOrderNo: deposited.providerTransactionId,
      refundAmount: closed.refundAmount,
      workflowIds: [kyc.workflowId, issuance.workflowId, deposit.workflowId, closure.workflowId],
    };
  }

  return {
    run,
    histories: (workflowIds) => historySizes(client, workflowIds),
    close: () => connection.close(),
  };
}
