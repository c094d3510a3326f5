// Model-based test of cardAccount (issue 15): fast-check draws batches of deposits (from a small
// pool of refs and amounts, so refs repeat with the same and with other amounts), freezes and
// unfreezes, sent concurrently within a batch, then the close; the KazePay sandbox injects
// 5xx, applied-but-unanswered and late-applied recharges. Checked against the sandbox's own
// records, not the engine's word: operations never overlap at the provider, each depositRef moves
// money at most once, the ledger balances and refunds what settled, nothing is left waiting.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import {
  cardAccountStateQuery,
  closeUpdate,
  Decimal,
  depositUpdate,
  freezeUpdate,
  TASK_QUEUE,
  unfreezeUpdate,
  workflowIds,
} from '../../src/contract';
import { kazepayFlows } from '../helpers/kazepay-flows';
import { LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { startDevServerEnv } from '../helpers/temporal-env';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
before(async () => {
  env = await startDevServerEnv();
  life = await LifecycleEnv.start(env, { clientTimeoutMs: 700 });
});
after(async () => {
  await life?.close();
  await env?.teardown();
});

type Command = { op: 'deposit'; ref: number; amount: string } | { op: 'freeze' } | { op: 'unfreeze' };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('deposit' as const),
      ref: fc.nat(3),
      amount: fc.constantFrom('5', '7.50', '10'),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'freeze' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'unfreeze' as const }) },
);
/** Batches of commands: the commands of one batch are sent together, the batches one after the other. */
const scenario = fc.record({
  batches: fc.array(fc.array(command, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
  faults: fc.record({
    serverErrorRate: fc.constantFrom(0, 0.2),
    appliedNoAnswerRate: fc.constantFrom(0, 0.15),
    lateApplyRate: fc.constantFrom(0, 0.15),
  }),
});

type Outcome =
  { kind: 'done'; outcome: string; amount?: string } | { kind: 'refused'; type?: string; message: string };

async function send(handle: WorkflowHandle, refs: string[], c: Command): Promise<Outcome> {
  try {
    if (c.op === 'deposit') {
      const r = await handle.executeUpdate(depositUpdate, {
        args: [{ depositRef: refs[c.ref]!, amount: c.amount }],
      });
      return { kind: 'done', outcome: r.outcome, amount: r.amount };
    }
    const r = await handle.executeUpdate(c.op === 'freeze' ? freezeUpdate : unfreezeUpdate);
    return { kind: 'done', outcome: r.state };
  } catch (error) {
    if (!(error instanceof WorkflowUpdateFailedError)) throw error;
    const cause = error.cause as (Error & { type?: string }) | undefined;
    return { kind: 'refused', ...(cause?.type ? { type: cause.type } : {}), message: cause?.message ?? '' };
  }
}

/** The most provider operations the account had in flight at once, from its history. */
async function mostInFlight(handle: WorkflowHandle): Promise<number> {
  const history = await handle.fetchHistory();
  const open = new Set<number>();
  let most = 0;
  for (const e of history.events ?? []) {
    const id = Number(e.eventId);
    if (e.childWorkflowExecutionStartedEventAttributes || e.activityTaskScheduledEventAttributes)
      open.add(id);
    const endedChild =
      e.childWorkflowExecutionCompletedEventAttributes ??
      e.childWorkflowExecutionFailedEventAttributes ??
      e.childWorkflowExecutionTimedOutEventAttributes;
    if (endedChild) open.delete(Number(endedChild.startedEventId));
    const endedActivity =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes ??
      e.activityTaskCanceledEventAttributes;
    if (endedActivity) open.delete(Number(endedActivity.scheduledEventId));
    most = Math.max(most, open.size);
  }
  return most;
}

const within = <T>(ms: number, what: string, p: Promise<T>) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`stuck: ${what} after ${ms} ms`)), ms).unref(),
    ),
  ]);

test(
  'cardAccount under random concurrent operations and provider faults keeps every invariant',
  { timeout: 900_000 },
  async () => {
    const flows = kazepayFlows(life);
    await fc.assert(
      fc.asyncProperty(scenario, async ({ batches, faults }) => {
        const cardId = await flows.activeCard('model');
        const refs = [0, 1, 2, 3].map(() => uniqueRef('m'));
        const handle = await life.client.workflow.start('cardAccount', {
          workflowId: workflowIds.cardAccount('kazepay', cardId),
          taskQueue: TASK_QUEUE,
          args: [
            {
              provider: 'kazepay',
              cardRef: cardId,
              customerRef: uniqueRef('cust'),
              currency: 'USD',
              settlement: { pollInterval: '100ms' },
              completion: { pollInterval: '100ms' },
              reconcile: { settle: '1500ms' },
            },
          ],
        });
        const outcomes: Array<{ c: Command; o: Outcome }> = [];
        life.kazepay.control.faults.setRates({ ...faults, lateApplyMs: 1000 }, 'cardRecharge');
        try {
          for (const batch of batches) {
            const answers = await within(
              120_000,
              'a batch',
              Promise.all(batch.map((c) => send(handle, refs, c))),
            );
            batch.forEach((c, i) => outcomes.push({ c, o: answers[i]! }));
          }
        } finally {
          life.kazepay.control.faults.setRates({}, 'cardRecharge');
        }
        // The card may be frozen: unfreeze first so the close can run either way.
        const status = await handle.query(cardAccountStateQuery);
        if (status.state === 'FROZEN') await handle.executeUpdate(unfreezeUpdate);
        const closed = await within(120_000, 'the close', handle.executeUpdate(closeUpdate));

        // Each depositRef: every answer that moved money names one amount; other amounts were refused.
        let settled = new Decimal(0);
        for (const [index, ref] of refs.entries()) {
          const answers = outcomes.filter((x) => x.c.op === 'deposit' && x.c.ref === index).map((x) => x.o);
          const done = answers.filter((o) => o.kind === 'done');
          const amounts = new Set(done.map((o) => new Decimal(o.amount!).toString()));
          assert.ok(amounts.size <= 1, `${ref}: answered with amounts ${[...amounts].join(', ')}`);
          assert.ok(new Set(done.map((o) => o.outcome)).size <= 1, `${ref}: different outcomes`);
          for (const o of answers)
            if (o.kind === 'refused')
              assert.match(o.type ?? '', /^(Conflict|PreconditionFailed)$/, `${ref}: ${o.message}`);
          if (done[0]?.outcome === 'SETTLED') settled = settled.plus(done[0].amount!);
        }
        // Money: the close refunded exactly what settled, once per ref; the books balance.
        assert.ok(
          new Decimal(closed.refundAmount).equals(settled),
          `refund ${closed.refundAmount}, settled ${settled.toString()}`,
        );
        assert.equal(life.kazepay.control.cardBalance(cardId), '0');
        assert.equal(life.kazepay.control.ledger.snapshot().balanced, true);
        // One operation at a time at the provider: never two children or sends in flight together.
        assert.equal(await mostInFlight(handle), 1);
        const final = await handle.result();
        assert.equal(final.state, 'CLOSED');
      }),
      {
        numRuns: Number(process.env.CARDFLOW_MODEL_RUNS ?? 6),
        endOnFailure: true,
        includeErrorInReport: true,
      },
    );
  },
);
