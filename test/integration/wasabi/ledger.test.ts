// A scripted run of opens, deposits, spend, withdrawals and cancels, some failing on purpose;
// afterwards the sandbox's books balance and agree with what the client saw.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Decimal } from '../../../src/contract/money';
import type { WasabiOrder } from '../../../src/providers/wasabi';
import { eventually, orderNo, startHarness, type Harness } from './helpers';

let h: Harness;
before(async () => {
  // Settlement waits for the test (runDue), so a Void always finds its auth still authorized.
  h = await startHarness({ timings: { authSettleMs: 3_600_000 } });
});
after(() => h.close());

test('ledger totals balance after a scripted lifecycle and match the client-visible orders', async () => {
  const c = h.client;
  const wallet = async () => new Decimal((await c.accountInfo())[0]!.availableBalance);
  const start = await wallet();
  const placed: string[] = [];
  const finalOrder = (merchantOrderNo: string) =>
    eventually(async () => {
      const [o] = await c.findOrders(merchantOrderNo);
      return o && (o.status === 'success' || o.status === 'fail') ? o : undefined;
    });
  const place = async <T extends { merchantOrderNo?: string | null }>(p: Promise<T>) => {
    const o = await p;
    placed.push(o.merchantOrderNo!);
    return o;
  };

  // Three opens; the third fails.
  const failingOpen = orderNo('C');
  h.sandbox.control.scriptOrder({ match: { merchantOrderNo: failingOpen }, outcome: 'fail' });
  const opened = await Promise.all([
    place(c.createCard({ merchantOrderNo: orderNo('C'), cardTypeId: '111002', amount: '120' })),
    place(c.createCard({ merchantOrderNo: orderNo('C'), cardTypeId: '111002', amount: '60.25' })),
    place(c.createCard({ merchantOrderNo: failingOpen, cardTypeId: '111002', amount: '40' })),
  ]);
  await Promise.all(opened.map((o) => finalOrder(o.merchantOrderNo!)));
  const [a, b] = opened.map((o) => o.cardNo!);
  assert.equal((await c.cardInfo({ cardNo: opened[2]!.cardNo! })).status, 'fail');

  // Deposits, one failing.
  const failingDeposit = orderNo('D');
  h.sandbox.control.scriptOrder({ match: { merchantOrderNo: failingDeposit }, outcome: 'fail' });
  await place(c.deposit({ cardNo: a!, merchantOrderNo: orderNo('D'), amount: '33.33' }));
  await place(c.deposit({ cardNo: b!, merchantOrderNo: failingDeposit, amount: '25' }));
  for (const m of placed) await finalOrder(m);

  // Spend: auths (one voided, one refunded in part), a fee.
  await c.simulateAuthTransaction({ cardNo: a!, type: 'auth', amount: '12.5', currency: 'USD' });
  await c.simulateAuthTransaction({ cardNo: a!, type: 'auth', amount: '7', currency: 'USD' });
  await c.simulateAuthTransaction({ cardNo: b!, type: 'auth', amount: '9.99', currency: 'USD' });
  const toVoid = (await c.authTransactions({ cardNo: a!, type: 'auth' })).records.find(
    (r) => r.amount === '7',
  )!;
  await c.simulateAuthTransaction({
    cardNo: a!,
    type: 'Void',
    amount: '7',
    currency: 'USD',
    originSerialNumber: toVoid.tradeNo,
  });
  await h.sandbox.control.runDue(); // time passes: authorizations settle
  const settled = (await c.authTransactions({ cardNo: b!, type: 'auth' })).records.find(
    (r) => r.status === 'succeed',
  )!;
  assert.ok(settled, 'the auth on card b settled');
  await c.simulateAuthTransaction({
    cardNo: b!,
    type: 'refund',
    amount: '4',
    currency: 'USD',
    originSerialNumber: settled.tradeNo,
  });
  await c.simulateAuthTransaction({ cardNo: b!, type: 'maintain_fee', amount: '1', currency: 'USD' });
  // An auth larger than the balance is declined without moving money.
  await c.simulateAuthTransaction({ cardNo: b!, type: 'auth', amount: '100000', currency: 'USD' });

  // Withdraw from one, then cancel both.
  await place(c.withdraw({ cardNo: a!, merchantOrderNo: orderNo('W'), amount: '20' }));
  for (const m of placed) await finalOrder(m);
  await place(c.cancel({ cardNo: a!, merchantOrderNo: orderNo('X') }));
  await place(c.cancel({ cardNo: b!, merchantOrderNo: orderNo('X') }));
  const orders: WasabiOrder[] = [];
  for (const m of placed) orders.push(await finalOrder(m));
  await eventually(async () =>
    (await c.authTransactions({ pageSize: 100 })).records.every((r) => r.status !== 'authorized'),
  );

  // What the client saw, order by order.
  const ok = orders.filter((o) => o.status === 'success');
  const sum = (xs: Array<string | null | undefined>) => xs.reduce((t, x) => t.plus(x ?? '0'), new Decimal(0));
  const paidIn = sum(
    ok.filter((o) => o.type === 'create' || o.type === 'deposit').flatMap((o) => [o.amount, o.fee]),
  );
  const received = sum(
    ok.filter((o) => o.type === 'withdraw' || o.type === 'cancel').map((o) => o.receivedAmount),
  );
  assert.equal(orders.filter((o) => o.status === 'fail').length, 2);
  assert.equal(
    (await wallet()).toFixed(),
    start.minus(paidIn).plus(received).toFixed(),
    'failed orders cost nothing',
  );

  // Every card is empty; spend = auths − voids − refunds as the client saw them.
  for (const cardNo of [a!, b!]) {
    assert.equal((await c.balance({ cardNo })).amount, '0');
    assert.equal((await c.cardInfo({ cardNo })).status, 'cancel');
  }
  const auths = (await c.authTransactions({ pageSize: 100 })).records;
  const spent = sum(
    auths.filter((r) => r.type === 'auth' && r.status !== 'failed').map((r) => r.amount),
  ).minus(sum(auths.filter((r) => r.type === 'Void' || r.type === 'refund').map((r) => r.amount)));
  assert.equal(spent.toFixed(), '18.49'); // 12.5 + 9.99 − 4
  const snapshot = h.sandbox.control.ledgerSnapshot();
  assert.equal(snapshot.balanced, true);
  assert.equal(snapshot.totals.USD, '0');
  const external = new Decimal(snapshot.accounts['external:USD']!.balance);
  assert.equal(
    external.plus(start).toFixed(),
    spent.toFixed(),
    'the outside world funded the wallet and got the spend',
  );
  for (const [id, account] of Object.entries(snapshot.accounts))
    if (id.startsWith('hold:') || id.startsWith('card:'))
      assert.equal(account.balance, '0', `${id} is empty`);

  // Fees: order fees + auth fees + the maintenance fee, all visible to the client.
  const authFees = sum((await c.authFeeTransactions({ pageSize: 100 })).records.map((f) => f.amount));
  const feesSeen = sum(ok.map((o) => o.fee))
    .plus(authFees)
    .plus('1');
  assert.equal(snapshot.accounts['wasabi:fees']!.balance, feesSeen.toFixed());

  // The merchant's own ledger (account/transaction) replays to the wallet balance.
  const entries = (await c.accountLedger({ pageSize: 100 })).records;
  const replayed = entries.reduce(
    (t, e) => (e.direction === 'IN' ? t.plus(e.amount) : t.minus(e.amount)),
    new Decimal(0),
  );
  assert.equal(replayed.toFixed(), (await wallet()).toFixed());
  assert.equal(
    entries[0]?.afterBalance,
    (await wallet()).toFixed(),
    'newest entry first, after-balance = wallet',
  );
});
