// Helpers for the WasabiCard workflow tests: starting flows by their contract ids, reading a
// flow's failure, state and search attributes, preparing sandbox cardholders and cards through
// the real client, and proving that no history holds a card number, CVV or PIN.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { stateQuery, TASK_QUEUE } from '../../src/contract';
import type { LifecycleEnv } from './lifecycle-env';
import { applicant } from './lifecycle-env';

/** Starts a product workflow on the card-lifecycle task queue. */
export function startFlow<A>(life: LifecycleEnv, type: string, workflowId: string, input: A) {
  return life.client.workflow.start(type, { workflowId, taskQueue: TASK_QUEUE, args: [input] });
}

/** The typed ApplicationFailure a workflow ended with. */
export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => assert.fail('expected the workflow to fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof WorkflowFailedError, String(error));
  assert.ok(error.cause instanceof ApplicationFailure, String(error.cause));
  return error.cause;
}

/** Polls (real time) until the check holds. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * Waits until the flow's polling activity `activityType` has ended an attempt (still pending) and
 * waits for its next, which a time-skipping test does not reach before it asks for the result. A
 * notification sent then cannot land in the same workflow task as a poll's completion: the
 * time-skipping server refuses the cancel of an activity completed in that task and the flow
 * wedges (sdk-java#2391, sdk-typescript#1058; a real server accepts it).
 */
export function pollResting(handle: WorkflowHandle, activityType: string): Promise<true> {
  return eventually(
    `${activityType} resting between attempts`,
    async () => {
      const { raw } = await handle.describe();
      return (raw.pendingActivities ?? []).some(
        (a) =>
          a.activityType?.name === activityType && (a.attempt ?? 0) >= 2 && a.lastAttemptCompleteTime != null,
      );
      // The first attempt's provider call can take seconds on a loaded machine.
    },
    60_000,
  );
}

/** Waits until the flow's `state` query answers `state`. */
export function untilState(handle: WorkflowHandle, state: string): Promise<true> {
  return eventually(`state ${state}`, async () => (await handle.query(stateQuery)).state === state);
}

/** The `state` query and the CardState search attribute, which must agree. */
export async function visibleState(handle: WorkflowHandle): Promise<string> {
  const { state } = await handle.query(stateQuery);
  const described = await handle.describe();
  assert.equal(described.searchAttributes.CardState?.[0], state, 'CardState search attribute');
  return state;
}

/** A cardholder that passed WasabiCard's review for the card type (created through the client). */
export async function passedHolder(life: LifecycleEnv, cardTypeId: string, tag = 'holder'): Promise<string> {
  const holderId = await holderInReview(life, cardTypeId, tag);
  life.wasabi.control.advance();
  const [holder] = (await life.wasabiClient.queryHolders({ holderId, pageNum: 1, pageSize: 1 })).records;
  assert.equal(holder?.status.toLowerCase(), 'pass_audit');
  return holderId;
}

/** A cardholder created at the sandbox and left in its review (not advanced); answers its holderId. */
export async function holderInReview(
  life: LifecycleEnv,
  cardTypeId: string,
  tag = 'holder',
): Promise<string> {
  const person = applicant(tag);
  const merchantOrderNo = `H${Date.now()}${Math.floor(Math.random() * 1e9)}`.padEnd(24, '0');
  const { holderId } = await life.wasabiClient.createHolder({
    cardHolderModel: 'B2C',
    merchantOrderNo,
    cardTypeId,
    areaCode: '+60',
    mobile: person.mobile.number,
    email: person.email,
    firstName: person.firstName,
    lastName: person.lastName,
    birthday: person.dateOfBirth,
    country: 'MY',
    town: 'Kuala Lumpur',
    address: person.address.line,
    postCode: person.address.postCode,
    nationality: 'MY',
    gender: 'F',
    idType: 'PASSPORT',
    idNumber: 'A1234567',
    idNoExpiryDate: '2031-05-01',
  });
  return holderId;
}

let orders = 0;
/** Opens a card through the client and finishes its order at once; answers its cardNo. */
export async function openCard(
  life: LifecycleEnv,
  cardTypeId: string,
  amount: string,
  holderId?: string,
): Promise<string> {
  const merchantOrderNo = `T${Date.now()}${++orders}`.padEnd(20, '0');
  const order = await life.wasabiClient.createCard({
    merchantOrderNo,
    cardTypeId,
    amount,
    ...(holderId ? { holderId } : {}),
  });
  life.wasabi.control.advance({ merchantOrderNo });
  assert.ok(order.cardNo, 'v2 createCard answers the cardNo');
  return order.cardNo;
}

/**
 * A physical card (type 111200) whose holder passed review, awaiting activation, and the
 * activation code its holder received (opened through the client, its order finished at once).
 */
export async function physicalCard(life: LifecycleEnv): Promise<{ cardNo: string; code: string }> {
  const holderId = await passedHolder(life, '111200', 'physical');
  const cardNo = await openCard(life, '111200', '50', holderId);
  const [code] = life.wasabi.control.inbox(cardNo);
  assert.ok(code, 'the activation code reached the cardholder');
  return { cardNo, code };
}

/** The sandbox's ledger balance of an account (`wallet:<id>`, `card:<cardNo>`). */
export function balance(life: LifecycleEnv, account: string): string {
  return life.wasabi.control.ledgerSnapshot().accounts[account]?.balance ?? '0';
}

export function walletAccount(life: LifecycleEnv): string {
  return life.wasabi.control.engine.wallet;
}

/** Every string and decoded byte array in a history (payloads are bytes: decode them). */
export function historyText(value: unknown, out: string[] = []): string[] {
  if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) historyText(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) historyText(v, out);
  return out;
}

/**
 * Asserts that none of the histories holds a card number, CVV or expiry of any sandbox card, nor
 * any of the given PINs. The card secrets are read the way a merchant would (`sensitive`).
 */
export async function assertNoCardSecrets(
  life: LifecycleEnv,
  handles: WorkflowHandle[],
  pins: string[] = [],
): Promise<void> {
  const cards = life.wasabi.control.state().cards.filter((c) => c.visible);
  const secrets: string[] = [];
  for (const card of cards) {
    const s = await life.wasabiClient.sensitive({ cardNo: card.cardNo });
    assert.ok(s.cardNumber && s.cvv && s.expireDate);
    // Short values are looked for as whole JSON strings, not as any 3 digits.
    secrets.push(s.cardNumber, `"${s.cvv}"`, s.expireDate);
  }
  for (const pin of pins) secrets.push(`"${pin}"`);
  assert.ok(handles.length > 0);
  for (const handle of handles) {
    const text = historyText(await handle.fetchHistory()).join('\n');
    assert.ok(text.length > 0);
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), `${handle.workflowId}: a card secret or PIN is in the history`);
    }
    assert.doesNotMatch(text, /"(cardNumber|cvv|expireDate|pin)"\s*:/i, `${handle.workflowId}`);
  }
}
