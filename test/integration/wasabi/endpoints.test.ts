// Every client endpoint against the in-process sandbox over real HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ProviderRejectedError } from '../../../src/providers/errors';
import { HOLDER, eventually, orderNo, startHarness, type Harness } from './helpers';

let h: Harness;
before(async () => {
  // Settlement waits for the test (runDue), so a Void always finds its auth still authorized.
  h = await startHarness({ timings: { authSettleMs: 3_600_000 } });
});
after(() => h.close());

const order = async (merchantOrderNo: string) =>
  eventually(async () => {
    const [found] = await h.client.findOrders(merchantOrderNo, { includeV1: true });
    return found && (found.status === 'success' || found.status === 'fail') ? found : undefined;
  });

const passedHolder = async (email: string, cardTypeId = '111065') => {
  const created = await h.client.createHolder({
    ...HOLDER,
    cardTypeId,
    email,
    merchantOrderNo: orderNo('H'),
  });
  assert.equal(created.status, 'wait_audit');
  assert.equal(created.statusFlowLocation, 'admin');
  assert.match(created.holderId, /^\d{19}$/, '19-digit Long id kept exact as a string');
  return eventually(async () => {
    const { records } = await h.client.queryHolders({ holderId: created.holderId });
    return records[0]?.status === 'pass_audit' ? records[0] : undefined;
  });
};

describe('reference data and account', () => {
  test('regions, cities, mobile area codes, occupations', async () => {
    assert.ok((await h.client.regions()).some((r) => r.code === 'US' && r.standardCode === 'USA'));
    const cities = await h.client.cities({ regionCode: 'GB' });
    assert.ok(cities.length > 0 && cities.every((c) => c.country === 'GB'));
    assert.ok((await h.client.mobileAreaCodes()).some((m) => m.areaCode === '+65'));
    assert.ok((await h.client.occupations()).some((o) => o.occupationCode === '11-1011'));
  });

  test('account info, list, single query and ledger', async () => {
    const [account] = await h.client.accountInfo();
    assert.ok(account);
    assert.match(account.accountId, /^\d{19}$/);
    assert.equal(account.accountType, 'WALLET');
    const list = await h.client.listAccounts({ pageNum: 1, pageSize: 10 });
    assert.equal(list.records[0]?.accountId, account.accountId);
    const single = await h.client.queryAccount({ accountId: account.accountId });
    assert.equal(Array.isArray(single) ? single[0]?.accountId : single.accountId, account.accountId);
    const ledger = await h.client.accountLedger({ accountId: account.accountId, pageSize: 100 });
    assert.ok(ledger.records.some((e) => e.bizType === 'chain_deposit' && e.direction === 'IN'));
  });

  test('file upload: multipart signed over {} returns a fileId; a .exe is refused before sending', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const { fileId } = await h.client.uploadFile(
      { bytes: png, fileName: 'passport.png', contentType: 'image/png' },
      'card',
    );
    assert.match(fileId, /^\d+$/);
    await assert.rejects(
      h.client.uploadFile({ bytes: png, fileName: 'x.exe', contentType: 'application/octet-stream' }),
      { name: 'ProviderValidationError' },
    );
  });
});

describe('cards', () => {
  test('card types v2 and v1', async () => {
    const v2 = await h.client.cardTypes();
    const visa = v2.find((t) => t.cardTypeId === '111002');
    assert.equal(visa?.rechargeFeeRate, '1');
    assert.equal(visa?.needCardHolder, false);
    assert.ok(!('sandboxWithdrawFee' in (visa ?? {})), 'sandbox-only settings stay private');
    const v1 = await h.client.cardTypesV1();
    assert.equal(
      v1.find((t) => t.cardTypeId === '111002')?.extFieldVO?.rechargeCurrencyInfos?.[0]?.rechargeMinQuota,
      '20',
    );
  });

  test('v2 lifecycle: create, info, sensitive, balance, list, freeze/unfreeze v1+v2, deposit, withdraw, spend, cancel', async () => {
    const create = await h.client.createCard({
      merchantOrderNo: orderNo('C'),
      cardTypeId: '111002',
      amount: '50',
    });
    assert.equal(create.status, 'wait_process');
    assert.equal(create.type, 'create');
    assert.equal(create.fee, '10.5', 'card price 10 + 1% of 50');
    const cardNo = create.cardNo!;
    assert.ok(cardNo, 'v2 returns the cardNo at once');
    assert.equal((await order(create.merchantOrderNo!)).status, 'success');

    const info = await h.client.cardInfo({ cardNo, onlySimpleInfo: false });
    assert.equal(info.status, 'Normal');
    assert.equal(info.balanceInfo?.amount, '50');
    assert.equal(
      (await h.client.cardInfo({ cardNo })).balanceInfo,
      undefined,
      'onlySimpleInfo defaults to true',
    );

    const sensitive = await h.client.sensitive({ cardNo });
    assert.match(sensitive.cardNumber ?? '', /^486600\d{10}$/);
    assert.match(sensitive.cvv ?? '', /^\d{3}$/);
    assert.match(sensitive.expireDate ?? '', /^\d{2}\/\d{4}$/);

    assert.equal((await h.client.balance({ cardNo })).amount, '50');
    const list = await h.client.listCards({ cardNo, pageNum: 1, pageSize: 10 });
    assert.equal(list.records[0]?.cardNo, cardNo);

    assert.equal((await h.client.freezeV1({ cardNo })).status, 'success');
    assert.equal((await h.client.cardInfo({ cardNo })).status, 'Freeze');
    assert.equal((await h.client.unfreezeV1({ cardNo })).status, 'success');

    const freeze = await h.client.freeze({
      cardNo,
      merchantOrderNo: orderNo('F'),
      clientRemark: 'lost phone',
    });
    assert.equal(freeze.type, 'Freeze');
    assert.equal((await h.client.cardInfo({ cardNo })).status, 'Freezing');
    await order(freeze.merchantOrderNo!);
    assert.equal((await h.client.cardInfo({ cardNo })).status, 'Freeze');
    const unfreeze = await h.client.unfreeze({ cardNo, merchantOrderNo: orderNo('U') });
    assert.equal(unfreeze.type, 'UnFreeze');
    await order(unfreeze.merchantOrderNo!);
    assert.equal((await h.client.cardInfo({ cardNo })).status, 'Normal');

    const deposit = await h.client.deposit({ cardNo, merchantOrderNo: orderNo('D'), amount: '25.50' });
    assert.equal(deposit.fee, '0.26', '1% rounded up to rechargeDigital');
    const deposited = await order(deposit.merchantOrderNo!);
    assert.equal(deposited.receivedAmount, '25.5');
    assert.equal((await h.client.balance({ cardNo })).amount, '75.5');

    await h.client.simulateAuthTransaction({ cardNo, type: 'auth', amount: '5.5', currency: 'USD' });
    const auths = await h.client.authTransactions({ cardNo });
    assert.equal(auths.records[0]?.type, 'auth');
    assert.equal(auths.records[0]?.amount, '5.5');
    const fees = await h.client.authFeeTransactions({ cardNo });
    assert.equal(fees.records[0]?.type, 'card_patch_fee');
    assert.equal(fees.records[0]?.amount, '0.2');
    assert.equal((await h.client.balance({ cardNo })).amount, '69.8');

    const withdraw = await h.client.withdraw({ cardNo, merchantOrderNo: orderNo('W'), amount: '10' });
    const withdrawn = await order(withdraw.merchantOrderNo!);
    assert.equal(withdrawn.receivedAmount, '9', 'amount - withdraw fee 1');

    const cancel = await h.client.cancel({ cardNo, merchantOrderNo: orderNo('X') });
    assert.equal((await h.client.cardInfo({ cardNo })).status, 'canceling');
    const cancelled = await order(cancel.merchantOrderNo!);
    assert.equal(cancelled.receivedAmount, '59.8');
    assert.equal((await h.client.cardInfo({ cardNo })).status, 'cancel');

    const log = await h.client.transactions({ cardNo, pageSize: 100 });
    assert.deepEqual(log.records.map((r) => r.type).sort(), [
      'Freeze',
      'UnFreeze',
      'cancel',
      'create',
      'deposit',
      'withdraw',
    ]);
    const onlyDeposits = await h.client.transactions({ cardNo, type: 'deposit' });
    assert.equal(onlyDeposits.total, 1);
  });

  test('v1 openCard: array with the create order, cardNo only after success, then the deposit; absent from the v2 log', async () => {
    const merchantOrderNo = orderNo('O');
    const create = await h.client.openCard({ merchantOrderNo, cardTypeId: '111002', amount: '30' });
    assert.equal(create.type, 'create');
    assert.equal(create.cardNo, null);
    assert.equal(create.amount, '10', 'v1 create order carries the card fee');
    // The v1 log takes a required `type` (seed 002): one query per type.
    const orders = await eventually(async () => {
      const records = [
        ...(await h.client.transactionsV1({ merchantOrderNo, type: 'create' })).records,
        ...(await h.client.transactionsV1({ merchantOrderNo, type: 'deposit' })).records,
      ];
      return records.length === 2 && records.every((r) => r.status === 'success') ? records : undefined;
    });
    const cardNo = orders[0]!.cardNo!;
    assert.ok(cardNo);
    assert.deepEqual(orders.map((o) => o.type).sort(), ['create', 'deposit']);
    assert.equal((await h.client.balance({ cardNo })).amount, '30');
    assert.equal((await h.client.transactions({ merchantOrderNo })).total, 0);
    const found = await h.client.findOrders(merchantOrderNo, { includeV1: true });
    assert.deepEqual(
      found.map((o) => o.type),
      ['create'],
      'the first v1 type that knows the order answers',
    );
  });

  test('limits from the catalogue are enforced by the sandbox', async () => {
    await assert.rejects(
      h.client.createCard({ merchantOrderNo: orderNo('C'), cardTypeId: '111002', amount: '5' }),
      (e) => {
        assert.ok(e instanceof ProviderRejectedError);
        assert.equal(e.code, '400');
        assert.match(e.detail, /between 10 and 100000/);
        return true;
      },
    );
    await assert.rejects(
      h.client.createCard({ merchantOrderNo: orderNo('C'), cardTypeId: '111065', amount: '50' }),
      /holderId required/,
    );
    await assert.rejects(h.client.balance({ cardNo: 'NOPE0000' }), {
      name: 'ProviderRejectedError',
      code: '404',
    });
  });

  test('cardholder v2: create, review, card with holder; reject at admin, update, pass; email change', async () => {
    const holder = await passedHolder('ada.endpoints@example.com');
    assert.equal(holder.statusFlowLocation, 'channel');
    assert.equal(holder.townStr, 'New York');
    const card = await h.client.createCard({
      merchantOrderNo: orderNo('C'),
      cardTypeId: '111065',
      amount: '20',
      holderId: holder.holderId,
    });
    assert.equal((await order(card.merchantOrderNo!)).status, 'success');
    assert.equal((await h.client.cardInfo({ cardNo: card.cardNo! })).holderId, holder.holderId);

    h.sandbox.control.scriptHolder({ email: 'bob.reject@example.com', outcome: 'reject' });
    const bob = await h.client.createHolder({
      ...HOLDER,
      email: 'bob.reject@example.com',
      merchantOrderNo: orderNo('H'),
    });
    const rejected = await eventually(async () => {
      const [r] = (await h.client.queryHolders({ email: 'bob.reject@example.com' })).records;
      return r?.status === 'reject' ? r : undefined;
    });
    assert.equal(rejected.statusFlowLocation, 'admin');
    const { merchantOrderNo: _m, ...rest } = { ...HOLDER, merchantOrderNo: '' };
    const updated = await h.client.updateHolder({
      ...rest,
      holderId: bob.holderId,
      email: 'bob.reject@example.com',
      address: '2 Main Street',
    });
    assert.equal(updated.status, 'wait_audit');
    await eventually(
      async () =>
        (await h.client.queryHolders({ holderId: bob.holderId })).records[0]?.status === 'pass_audit',
    );
    await assert.rejects(
      h.client.updateHolder({ ...rest, holderId: bob.holderId, email: 'bob.reject@example.com' }),
      /only be updated after a rejection/,
    );

    const change = await h.client.updateHolderEmail({
      holderId: holder.holderId,
      merchantOrderNo: orderNo('E'),
      email: 'ada.new@example.com',
    });
    assert.equal(change.status, 'wait_process');
    await eventually(async () => (await h.client.queryHolders({ email: 'ada.new@example.com' })).total === 1);
  });

  test('physical card: activation code from the cardholder inbox and the card_3ds record, activeCard, updatePin', async () => {
    const holder = await passedHolder('grace.physical@example.com', '111200');
    const created = await h.client.createCard({
      merchantOrderNo: orderNo('C'),
      cardTypeId: '111200',
      amount: '50',
      holderId: holder.holderId,
    });
    await order(created.merchantOrderNo!);
    const cardNo = created.cardNo!;
    assert.equal((await h.client.cardInfo({ cardNo })).status, 'un_activated');
    const [code] = h.sandbox.control.inbox(cardNo);
    const threeDs = await h.client.threeDsTransactions({ cardNo, type: 'activation_code' });
    assert.equal(
      threeDs.records[0]?.values,
      code,
      'the encrypted activation_code record decrypts to the inbox code',
    );

    await assert.rejects(
      h.client.activeCard({ merchantOrderNo: orderNo('A'), cardNo, pin: '380517', activeCode: '00000000' }),
      /Activation code is incorrect/,
    );
    const activation = await h.client.activeCard({
      merchantOrderNo: orderNo('A'),
      cardNo,
      pin: '380517',
      activeCode: code!,
    });
    assert.equal(activation.status, 'wait_process');
    await eventually(async () => (await h.client.cardInfo({ cardNo })).status === 'Normal');
    const pin = await h.client.updatePin({ cardNo, merchantOrderNo: orderNo('P'), pin: '415926' });
    assert.equal(pin.type, 'update_pin');
    assert.equal((await order(pin.merchantOrderNo!)).status, 'success');
  });

  test('3DS challenges: OTP and multi-block auth URL decrypted; Void and refund of spend', async () => {
    const create = await h.client.createCard({
      merchantOrderNo: orderNo('C'),
      cardTypeId: '111002',
      amount: '40',
    });
    await order(create.merchantOrderNo!);
    const cardNo = create.cardNo!;
    const otp = h.sandbox.control.trigger3ds(cardNo, 'third_3ds_otp');
    const url = h.sandbox.control.trigger3ds(cardNo, 'auth_url');
    const records = (await h.client.threeDsTransactions({ cardNo })).records;
    assert.equal(records.find((r) => r.tradeNo === otp.tradeNo)?.values, otp.plaintext);
    const urlRecord = records.find((r) => r.tradeNo === url.tradeNo);
    assert.equal(urlRecord?.values, url.plaintext);
    assert.ok(url.plaintext.length > 117, 'longer than one 1024-bit block');
    assert.ok(urlRecord?.expirationTime);

    await h.client.simulateAuthTransaction({ cardNo, type: 'auth', amount: '3', currency: 'USD' });
    const auth = (await h.client.authTransactions({ cardNo, type: 'auth' })).records[0]!;
    await h.client.simulateAuthTransaction({
      cardNo,
      type: 'Void',
      amount: '3',
      currency: 'USD',
      originSerialNumber: auth.tradeNo,
    });
    assert.equal((await h.client.authTransactions({ tradeNo: auth.tradeNo })).records[0]?.status, 'revoked');
    await h.client.simulateAuthTransaction({ cardNo, type: 'auth', amount: '4', currency: 'USD' });
    await h.sandbox.control.runDue(); // time passes: the auth settles
    const second = (await h.client.authTransactions({ cardNo, type: 'auth' })).records.find(
      (a) => a.status === 'succeed',
    )!;
    assert.equal(second.settleAmount, '4');
    await h.client.simulateAuthTransaction({
      cardNo,
      type: 'refund',
      amount: '1.5',
      currency: 'USD',
      originSerialNumber: second.tradeNo,
    });
    await h.client.simulateAuthTransaction({ cardNo, type: 'maintain_fee', amount: '1', currency: 'USD' });
    // 40 - 0.2 (first auth fee) - 4 - 0.2 (second auth fee) + 1.5 - 1
    assert.equal((await h.client.balance({ cardNo })).amount, '36.1');
  });
});

describe('shared accounts and purchases', () => {
  test('create a MARGIN account, transfer into it, open a card paid from it; purchases list the card fee', async () => {
    const [main] = await h.client.accountInfo();
    const margin = await h.client.createAccount({ accountName: 'Team budget' });
    assert.equal(margin.accountType, 'MARGIN');
    assert.equal(margin.availableBalance, '0');
    const transferNo = orderNo('T');
    assert.equal(
      await h.client.transfer({
        type: 'TRANSFER',
        merchantOrderNo: transferNo,
        amount: '200',
        payerAccountId: main!.accountId,
        payeeAccountId: margin.accountId,
      }),
      true,
    );
    await assert.rejects(
      h.client.transfer({
        type: 'TRANSFER',
        merchantOrderNo: transferNo,
        amount: '200',
        payerAccountId: main!.accountId,
        payeeAccountId: margin.accountId,
      }),
      { name: 'ProviderDuplicateOrderError' },
    );
    const create = await h.client.createCard({
      merchantOrderNo: orderNo('C'),
      cardTypeId: '111002',
      amount: '100',
      accountId: margin.accountId,
    });
    await order(create.merchantOrderNo!);
    const after = await h.client.queryAccount({ accountId: margin.accountId });
    assert.equal(
      Array.isArray(after) ? after[0]?.availableBalance : after.availableBalance,
      '89',
      '200 − 100 − 10 − 1',
    );
    const ledger = await h.client.accountLedger({ accountId: margin.accountId });
    assert.deepEqual(
      ledger.records.map((e) => `${e.direction} ${e.bizType} ${e.amount}`),
      ['OUT card_deposit 101', 'OUT card_purchase 10', 'IN fund_transfer 200'],
    );
    const [purchase] = (await h.client.purchaseTransactions({ merchantOrderNo: create.merchantOrderNo! }))
      .records;
    assert.equal(purchase?.cardFee, '10');
    assert.equal(purchase?.depositAmount, '100');
    assert.equal(purchase?.status, 'success');
  });
});
