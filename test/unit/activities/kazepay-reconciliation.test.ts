// KazePay reconciliation reads against a scripted client (issue 16): every page is read, a row
// under another label is never taken for "not applied", and an unknown transaction status is
// never an outcome.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { createKazepayActivities, type KazepayConventions } from '../../../activities/kazepay/activities';
import type { KazepayClient } from '../../../src/providers/kazepay/client';

type Row = Awaited<ReturnType<KazepayClient['queryTransactions']>>[number];

const row = (transactionId: string, amount: string, transType = 'Recharge', transStatus = 'SUCCESS'): Row =>
  ({
    cardID: 'C1',
    transactionId,
    transactionTime: '2026-12-04 10:00:00',
    cardCurrency: 'USD',
    cardCurrencyAmt: amount,
    transCurrency: 'USD',
    transCurrencyAmt: amount,
    feeCurrency: 'USD',
    fee: '0',
    transStatus,
    transType,
    merchantName: '',
    respCode: '',
    respCodeDesc: '',
  }) as Row;

/** A client whose queryTransactions answers `rows` in pages, as KazePay pages them. */
function activitiesOver(rows: Row[], conventions: Partial<KazepayConventions> = {}) {
  const asked: number[] = [];
  const client = {
    async queryTransactions(input: { pageNum?: number; pageSize?: number; transactionId?: string }) {
      const size = input.pageSize ?? 10;
      const page = input.pageNum ?? 1;
      asked.push(page);
      const matching = input.transactionId
        ? rows.filter((r) => r.transactionId === input.transactionId)
        : rows;
      return matching.slice((page - 1) * size, page * size);
    },
  } as unknown as KazepayClient;
  const activities = createKazepayActivities({
    client,
    documents: {} as never,
    secrets: {} as never,
    conventions,
  });
  return { activities, asked };
}

const find = (rows: Row[], known: string[] = []) =>
  activitiesOver(rows).activities.kazepayFindRecharge({
    cardId: 'C1',
    currency: 'USD',
    amount: '25',
    knownTransactionIds: known,
    since: '2026-12-04 09:59:00',
  });

describe('KazePay recharge reconciliation', () => {
  test('reads every page: a recharge listed on the second page is found', async () => {
    const older = Array.from({ length: 100 }, (_, i) => row(`T${i}`, '1.00'));
    const { activities, asked } = activitiesOver([...older, row('NEW', '25.00')]);
    const found = await activities.kazepayFindRecharge({
      cardId: 'C1',
      currency: 'USD',
      amount: '25',
      knownTransactionIds: older.map((r) => r.transactionId),
      since: '2026-12-04 09:59:00',
    });
    assert.equal(found?.transactionId, 'NEW');
    assert.deepEqual(asked, [1, 2]);
  });

  test('a new row of the amount under another label is not "not applied": it stops for a person', async () => {
    await assert.rejects(find([row('X1', '25', 'TopUp')]), (e: unknown) => {
      assert.ok(e instanceof ApplicationFailure);
      assert.equal(e.type, 'PreconditionFailed');
      assert.match(e.message, /labelled "TopUp", not "Recharge"/);
      return true;
    });
  });

  test('nothing new of the amount: not applied', async () => {
    assert.equal(await find([row('OLD', '25')], ['OLD']), null);
    assert.equal(await find([row('X2', '24.99')]), null);
  });

  test('an unknown transaction status is never an outcome; the configured name is', async () => {
    const rows = [row('T9', '25', 'Recharge', 'COMPLETED')];
    await assert.rejects(
      activitiesOver(rows).activities.kazepayRechargeStatus({
        cardId: 'C1',
        transactionId: 'T9',
        untilFinal: true,
      }),
      (e: unknown) =>
        e instanceof ApplicationFailure &&
        e.type === 'UnknownProviderStatus' &&
        /not a configured final state/.test(e.message) &&
        /COMPLETED/.test(e.message),
    );
    const configured = activitiesOver(rows, { transactionSuccess: 'Completed' }).activities;
    const record = await configured.kazepayRechargeStatus({
      cardId: 'C1',
      transactionId: 'T9',
      untilFinal: true,
    });
    assert.equal(record.status, 'SUCCESS');
  });
});
