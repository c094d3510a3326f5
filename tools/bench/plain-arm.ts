// The plain arm: the lifecycle as a straightforward async script, what a team would write first.
// It calls the very activity functions the worker runs (createActivities, same WasabiClient
// settings), in the order the workflows call them, retries transient errors with the workflows'
// backoff, and polls a pending state with a sleep at the same interval. No durability: a crash
// loses track of everything in flight.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities, type CardflowActivities } from '../../activities';
import { providerOrderKey, STILL_PENDING } from '../../src/contract';
import type { FileDocumentStore } from '../../src/documents/file-document-store';
import { ProviderAmbiguousError, ProviderRetryableError } from '../../src/providers/errors';
import { WasabiClient } from '../../src/providers/wasabi/client';
import type { MemorySecretStore } from '../../src/security/memory-secret-store';
import { benchApplicant, lifecycleRefs, type LifecycleOutcome, type LifecycleSettings } from './lifecycle';

export interface Backoff {
  initialMs: number;
  coefficient: number;
  maximumMs: number;
  totalMs: number;
}
/** The workflows' policies (workflows/support/activities.ts): reads and keyed sends (the poller arm's too). */
export const READS: Backoff = { initialMs: 1000, coefficient: 2, maximumMs: 30_000, totalMs: 300_000 };
export const KEYED_SENDS: Backoff = { initialMs: 2000, coefficient: 2, maximumMs: 60_000, totalMs: 600_000 };

/** Retries a call while the provider failed transiently (5xx, refused connection, lost answer). */
async function retry<T>(call: () => Promise<T>, backoff: Backoff): Promise<T> {
  const began = Date.now();
  let gap = backoff.initialMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const transient = error instanceof ProviderRetryableError || error instanceof ProviderAmbiguousError;
      if (!transient || Date.now() - began + gap > backoff.totalMs) throw error;
      await sleep(gap);
      gap = Math.min(gap * backoff.coefficient, backoff.maximumMs);
    }
  }
}

const isStillPending = (error: unknown) =>
  error instanceof ApplicationFailure && error.type === STILL_PENDING;

/** Calls `check` until it stops answering "still pending", sleeping `intervalMs` between reads. */
async function poll<T>(check: () => Promise<T>, settings: LifecycleSettings, what: string): Promise<T> {
  const deadline = Date.now() + settings.deadlineMs;
  for (;;) {
    try {
      return await retry(check, READS);
    } catch (error) {
      if (!isStillPending(error)) throw error;
      if (Date.now() + settings.pollIntervalMs > deadline) throw new Error(`${what} did not finish in time`);
      await sleep(settings.pollIntervalMs);
    }
  }
}

export interface PlainArm {
  run(index: number): Promise<LifecycleOutcome>;
}

export function createPlainArm(options: {
  runId: string;
  settings: LifecycleSettings;
  sandbox: { url: string; apiKey: string; merchantPrivateKey: string; platformPublicKey: string };
  documents: FileDocumentStore;
  secrets: MemorySecretStore;
}): PlainArm {
  const { settings } = options;
  const client = new WasabiClient({
    baseUrl: options.sandbox.url,
    apiKey: options.sandbox.apiKey,
    merchantPrivateKey: options.sandbox.merchantPrivateKey,
    platformPublicKey: options.sandbox.platformPublicKey,
    timeoutMs: settings.clientTimeoutMs,
  });
  const a: CardflowActivities = createActivities({
    wasabi: client,
    documents: options.documents,
    secrets: options.secrets,
  });

  async function run(index: number): Promise<LifecycleOutcome> {
    const refs = lifecycleRefs(options.runId, 'plain', index);
    const key = (step: string) => providerOrderKey(refs.key, step);
    const { cardTypeId } = settings;

    // KYC: create the cardholder, wait for the review.
    const { holderId } = await retry(
      () =>
        a.wasabiSubmitHolder({
          merchantOrderNo: key('holder'),
          cardTypeId,
          cardHolderModel: 'B2C',
          applicant: benchApplicant(refs.key),
        }),
      KEYED_SENDS,
    );
    const review = await poll(
      () => a.wasabiHolderStatus({ holderId, untilDecided: true }),
      settings,
      'review',
    );
    if (review.status !== 'pass_audit') throw new Error(`cardholder review ended ${review.status}`);

    // Issuance: check the card type and the cardholder, open the card, wait for the order.
    const type = await retry(() => a.wasabiCardType({ cardTypeId }), READS);
    if (type.status.toLowerCase() !== 'online') throw new Error(`card type ${cardTypeId} is ${type.status}`);
    const holder = await retry(() => a.wasabiHolderStatus({ holderId, untilDecided: false }), READS);
    if (holder.status !== 'pass_audit') throw new Error(`cardholder ${holderId} is ${holder.status}`);
    const open = key('open');
    await retry(
      () =>
        a.wasabiOpenCard({ merchantOrderNo: open, cardTypeId, amount: settings.initialDeposit, holderId }),
      KEYED_SENDS,
    );
    const opened = await poll(
      async () => (await a.wasabiOrder({ merchantOrderNo: open, untilFinal: true }))!,
      settings,
      'card order',
    );
    if (opened.status !== 'success' || !opened.cardNo) throw new Error(`card order ended ${opened.status}`);
    const cardNo = opened.cardNo;

    // Deposit: check the card and its type, send the deposit, wait for settlement.
    const card = await retry(() => a.wasabiCardStatus({ cardNo }), READS);
    await retry(() => a.wasabiCardType({ cardTypeId: card.cardTypeId }), READS);
    if (card.status !== 'normal') throw new Error(`card ${cardNo} is ${card.status}`);
    const deposit = key('deposit');
    await retry(
      () => a.wasabiDeposit({ merchantOrderNo: deposit, cardNo, amount: settings.depositAmount }),
      KEYED_SENDS,
    );
    const settled = await poll(
      async () => (await a.wasabiOrder({ merchantOrderNo: deposit, untilFinal: true }))!,
      settings,
      'deposit',
    );
    if (settled.status !== 'success') throw new Error(`deposit ended ${settled.status}`);

    // Closure: cancel the card, wait for the refund.
    const cancel = key('cancel');
    await retry(() => a.wasabiCancel({ merchantOrderNo: cancel, cardNo }), KEYED_SENDS);
    const closed = await poll(
      async () => (await a.wasabiOrder({ merchantOrderNo: cancel, untilFinal: true }))!,
      settings,
      'closure',
    );
    if (closed.status !== 'success') throw new Error(`closure ended ${closed.status}`);

    return {
      holderId,
      cardNo,
      depositOrderNo: settled.orderNo,
      refundAmount: closed.receivedAmount ?? '0',
    };
  }

  return { run };
}
