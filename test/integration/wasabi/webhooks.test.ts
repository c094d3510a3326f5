// Every webhook category the sandbox produces: delivered over HTTP, verified by the production
// handler, parsed, deduplicated and acknowledged; the 7-send retry schedule.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WASABI_WEBHOOK_ACK } from '../../../src/providers/wasabi/webhooks';
import {
  HOLDER,
  eventually,
  orderNo,
  startHarness,
  startReceiver,
  type Harness,
  type Receiver,
} from './helpers';

describe('webhook categories', () => {
  let h: Harness;
  let receiver: Receiver;
  before(async () => {
    h = await startHarness();
    receiver = await startReceiver({ platformPublicKey: h.sandbox.platformPublicKey });
    h.sandbox.control.webhookUrl = receiver.url;
  });
  after(async () => {
    await h.close();
    await receiver.close();
  });

  test('each category arrives signed, verifies, parses, is acknowledged with the exact body, and its redelivery is flagged duplicate', async () => {
    const c = h.client;
    // Every notification is delivered twice: the handler must flag the second one.
    h.sandbox.control.setWebhookFaults({ duplicateRate: 1 });
    const holder = await c.createHolder({
      ...HOLDER,
      cardTypeId: '111200',
      email: 'hook.holder@example.com',
      merchantOrderNo: orderNo('H'),
    });
    await eventually(() => receiver.fresh('card_holder').find((r) => r.event?.category === 'card_holder'));
    await c.updateHolderEmail({
      holderId: holder.holderId,
      merchantOrderNo: orderNo('E'),
      email: 'hook.new@example.com',
    });
    const physical = await c.createCard({
      merchantOrderNo: orderNo('C'),
      cardTypeId: '111200',
      amount: '50',
      holderId: holder.holderId,
    });
    const createdEvent = await eventually(() =>
      receiver
        .fresh('card_transaction')
        .find(
          (r) =>
            r.event?.category === 'card_transaction' &&
            r.event.payload.merchantOrderNo === physical.merchantOrderNo,
        ),
    );
    const activation = await eventually(() =>
      receiver
        .fresh('card_3ds')
        .find((r) => r.event?.category === 'card_3ds' && r.event.payload.type === 'activation_code'),
    );
    assert.equal(activation.event?.category, 'card_3ds');
    const code = c.decrypt((activation.event!.payload as { values: string }).values);
    assert.deepEqual(h.sandbox.control.inbox(physical.cardNo!), [code]);
    await c.activeCard({
      merchantOrderNo: orderNo('A'),
      cardNo: physical.cardNo!,
      pin: '380517',
      activeCode: code,
    });
    await c.simulateAuthTransaction({ cardNo: physical.cardNo!, type: 'auth', amount: '2', currency: 'USD' });
    const virtual = await c.createCard({ merchantOrderNo: orderNo('C'), cardTypeId: '111002', amount: '20' });
    await eventually(async () => (await c.cardInfo({ cardNo: virtual.cardNo! })).status === 'Normal');
    await c.simulateAuthTransaction({ cardNo: virtual.cardNo!, type: 'auth', amount: '2', currency: 'USD' }); // auth fee 0.2

    const wanted = [
      'card_holder',
      'card_holder_change_email',
      'card_transaction',
      'card_3ds',
      'physical_card',
      'card_auth_transaction',
      'card_fee_patch',
    ];
    await eventually(() => wanted.every((category) => receiver.fresh(category).length > 0));
    await h.sandbox.control.flushWebhooks();
    h.sandbox.control.setWebhookFaults({});
    for (const category of wanted) {
      const first = receiver.fresh(category)[0]!;
      assert.ok(first.event, `${category} parsed`);
      assert.equal(first.response.status, 200);
      assert.equal(first.response.body, WASABI_WEBHOOK_ACK);
      assert.ok(first.requestId, 'X-WSB-REQUEST-ID present');
      const again = await eventually(() =>
        receiver.results.find(
          (r) => r.outcome === 'accepted' && r.duplicate && r.businessKey === first.businessKey,
        ),
      );
      assert.equal(
        again.outcome === 'accepted' && again.response.body,
        WASABI_WEBHOOK_ACK,
        `${category} duplicate acknowledged`,
      );
    }
    assert.equal(createdEvent.event?.category, 'card_transaction');
    const payload = createdEvent.event!.payload as { status: string; orderNo: string; amount: string };
    assert.equal(payload.status, 'success');
    assert.match(payload.orderNo, /^\d{19}$/);
    assert.equal(payload.amount, '50');
    // auth records are pushed again when settled: same tradeNo, a new status, not a duplicate
    await eventually(() =>
      receiver
        .fresh('card_auth_transaction')
        .some((r) => (r.event?.payload as { status: string }).status === 'succeed'),
    );
    // the sandbox saw every delivery (and every redelivery) acknowledged at once, no retries
    await eventually(() =>
      h.sandbox.control
        .deliveries()
        .every((d) => d.state === 'delivered' && d.attempts.every((a) => a.accepted)),
    );
    assert.ok(receiver.results.every((r) => r.outcome === 'accepted'));
  });

  test('3DS category name is a switch; the handler accepts card_3ds_transaction as card_3ds', async () => {
    h.sandbox.control.setSwitches({ threeDsCategory: 'card_3ds_transaction' });
    const card = await h.client.createCard({
      merchantOrderNo: orderNo('C'),
      cardTypeId: '111002',
      amount: '20',
    });
    await eventually(async () => (await h.client.cardInfo({ cardNo: card.cardNo! })).status === 'Normal');
    const { tradeNo, plaintext } = h.sandbox.control.trigger3ds(card.cardNo!, 'third_3ds_otp');
    const event = await eventually(() =>
      receiver.fresh('card_3ds').find((r) => (r.event?.payload as { tradeNo?: string }).tradeNo === tradeNo),
    );
    assert.equal(
      h.sandbox.control.deliveries({ key: tradeNo })[0]?.headers['X-WSB-CATEGORY'],
      'card_3ds_transaction',
    );
    assert.equal(h.client.decrypt((event.event!.payload as { values: string }).values), plaintext);
    h.sandbox.control.setSwitches({ threeDsCategory: 'card_3ds' });
  });

  test('duplicated deliveries are acknowledged and flagged as duplicates, never acted on twice', async () => {
    h.sandbox.control.setWebhookFaults({ duplicateRate: 1 });
    const card = await h.client.createCard({
      merchantOrderNo: orderNo('C'),
      cardTypeId: '111002',
      amount: '20',
    });
    const mine = () =>
      receiver.results.filter(
        (r) =>
          r.outcome === 'accepted' &&
          (r.event?.payload as { merchantOrderNo?: string }).merchantOrderNo === card.merchantOrderNo,
      );
    await eventually(() => mine().length === 2);
    h.sandbox.control.setWebhookFaults({});
    const [first, second] = mine() as Array<
      Extract<(typeof receiver.results)[number], { outcome: 'accepted' }>
    >;
    assert.equal(first?.duplicate, false);
    assert.equal(second?.duplicate, true);
    assert.equal(second?.response.body, WASABI_WEBHOOK_ACK, 'a duplicate is still acknowledged');
  });
});

describe('retry schedule', () => {
  test('unacknowledged notifications are sent 7 times with growing gaps, then given up', async () => {
    const h = await startHarness();
    const receiver = await startReceiver({ platformPublicKey: h.sandbox.platformPublicKey });
    try {
      h.sandbox.control.webhookUrl = receiver.url;
      receiver.failNext = 6; // the 7th send is acknowledged
      const first = await h.client.createCard({
        merchantOrderNo: orderNo('C'),
        cardTypeId: '111002',
        amount: '20',
      });
      const delivered = await eventually(() => {
        const d = h.sandbox.control.deliveries({ category: 'card_transaction' })[0];
        return d?.state === 'delivered' ? d : undefined;
      }, 10_000);
      assert.equal(delivered.attempts.length, 7);
      assert.deepEqual(
        delivered.attempts.map((a) => a.accepted),
        [false, false, false, false, false, false, true],
      );
      const times = delivered.attempts.map((a) => Date.parse(a.at));
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      assert.ok(gaps[5]! > gaps[0]!, 'the last gap (24h scaled) is longer than the first (1m scaled)');
      assert.equal(receiver.fresh('card_transaction').length, 1);

      receiver.failNext = 100;
      await h.client.deposit({ cardNo: first.cardNo!, merchantOrderNo: orderNo('D'), amount: '20' });
      const failed = await eventually(() => {
        const d = h.sandbox.control.deliveries({ category: 'card_transaction' })[1];
        return d?.state === 'failed' ? d : undefined;
      }, 10_000);
      assert.equal(failed.attempts.length, 7, 'seven sends in total, then the provider gives up');
    } finally {
      await h.close();
      await receiver.close();
    }
  });

  test('a receiver with the wrong platform key refuses every send (401), so nothing is acknowledged', async () => {
    const h = await startHarness();
    const other = await startHarness();
    const receiver = await startReceiver({ platformPublicKey: other.sandbox.platformPublicKey });
    try {
      h.sandbox.control.webhookUrl = receiver.url;
      await h.client.createCard({ merchantOrderNo: orderNo('C'), cardTypeId: '111002', amount: '20' });
      await eventually(() => receiver.results.length > 0);
      assert.deepEqual(
        receiver.results.map((r) => r.outcome === 'refused' && r.reason),
        receiver.results.map(() => 'bad-signature'),
      );
      // the sandbox records the answer once the response is back
      await eventually(() => h.sandbox.control.deliveries()[0]?.attempts[0]?.status === 401);
      assert.notEqual(h.sandbox.control.deliveries()[0]?.state, 'delivered', 'never acknowledged');
    } finally {
      await h.close();
      await other.close();
      await receiver.close();
    }
  });
});
