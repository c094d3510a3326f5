// Every KazePay operation against the in-process sandbox over real HTTP: the physical-card
// lifecycle end to end, with the ledger checked at every money movement.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { subtractMoney } from '../../../src/contract/money';
import { ProviderRejectedError } from '../../../src/providers/errors';
import type { KazepayClient } from '../../../src/providers/kazepay/client';
import type { KazepaySandbox } from '../../../tools/sandbox/kazepay/server';
import { activeCard, clientFor, identity, JPEG, PNG, startSandbox, submitKyc, uniqueEmail } from './helpers';

let sandbox: KazepaySandbox;
let client: KazepayClient;

before(async () => {
  // Real-time timings (seconds): every transition in these tests is driven by control.advance().
  // The invented preconditions are on: the path below checks their refusals too.
  sandbox = await startSandbox({
    merchantBalance: '10000.00',
    preconditions: { kycBeforeAssign: true, awaitingActivationBeforeActivate: true, activeCardForPin: true },
  });
  client = clientFor(sandbox);
});
after(() => sandbox.close());

const rejectedWith = (code: string) => (error: unknown) => {
  assert.ok(error instanceof ProviderRejectedError, String(error));
  assert.equal(error.code, code);
  return true;
};

describe('KYC', () => {
  test('fileUpload + setUcardKyc: WAITING_KYC, then PASSED after the review', async () => {
    const email = uniqueEmail('kyc');
    const submitted = await submitKyc(client, email);
    assert.deepEqual(submitted, { encrypt: 'SUCCESS', status: 'WAITING_KYC' });
    assert.equal((await client.queryUcardKycStatus({ email })).status, 'WAITING_KYC');
    await sandbox.control.advance();
    assert.equal((await client.queryUcardKycStatus({ email })).status, 'PASSED');
    // The images were stored as uploaded.
    const files = [...sandbox.control.state.files.values()].filter((f) => f.email === email);
    assert.deepEqual(
      files.map((f) => [f.contentType, f.bytes.equals(f.contentType === 'image/png' ? PNG : JPEG)]),
      [
        ['image/png', true],
        ['image/jpeg', true],
      ],
    );
  });

  test('a scripted rejection, then a corrected resubmission that passes', async () => {
    const email = uniqueEmail('rejected');
    sandbox.control.scriptKyc(email, 'REJECTED');
    await submitKyc(client, email);
    await sandbox.control.advance();
    assert.equal((await client.queryUcardKycStatus({ email })).status, 'REJECTED');
    sandbox.control.scriptKyc(email, 'PASSED');
    assert.equal((await submitKyc(client, email)).status, 'WAITING_KYC');
    await sandbox.control.advance();
    assert.equal((await client.queryUcardKycStatus({ email })).status, 'PASSED');
    await assert.rejects(submitKyc(client, email), rejectedWith('KYC_ALREADY_PASSED'));
  });

  test('a resubmission while in review is refused', async () => {
    const email = uniqueEmail('twice');
    await submitKyc(client, email);
    await assert.rejects(submitKyc(client, email), rejectedWith('KYC_IN_REVIEW'));
  });

  test('KYC with an unknown fileId, or with another user’s file, is refused', async () => {
    const email = uniqueEmail('nofile');
    await assert.rejects(
      client.setUcardKyc({
        ...identity(email),
        frontImgFileId: '004a0d62-c901-459d-b32b-1f992a451ba1',
        handheldImgFileId: '004a0d62-c901-459d-b32b-1f992a451ba1',
      }),
      rejectedWith('FILE_NOT_FOUND'),
    );
    const other = await client.fileUpload({
      email: uniqueEmail('other'),
      mobileNumber: '15659874544',
      mobilePrefix: '60',
      file: { fileName: 'x.png', content: PNG },
    });
    await assert.rejects(
      client.setUcardKyc({
        ...identity(email),
        frontImgFileId: other.fileId,
        handheldImgFileId: other.fileId,
      }),
      rejectedWith('FILE_NOT_FOUND'),
    );
  });

  test('ID_CARD with front, back and handheld file ids', async () => {
    const email = uniqueEmail('idcard');
    const contact = { email, mobileNumber: '15659874544', mobilePrefix: '60' };
    const ids = [];
    for (const name of ['front.png', 'back.png', 'hand.png'])
      ids.push((await client.fileUpload({ ...contact, file: { fileName: name, content: PNG } })).fileId);
    const result = await client.setUcardKyc({
      ...identity(email),
      identificationType: 'ID_CARD',
      frontImgFileId: ids[0]!,
      backImgFileId: ids[1]!,
      handheldImgFileId: ids[2]!,
    });
    assert.equal(result.status, 'WAITING_KYC');
  });

  test('the deprecated base64 variant of setUcardKyc', async () => {
    const email = uniqueEmail('b64');
    const image = `data:image/png;base64,${PNG.toString('base64')}`;
    const result = await client.setUcardKycBase64({
      ...identity(email),
      frontImgBase64: image,
      handheldImgBase64: image,
    });
    assert.equal(result.status, 'WAITING_KYC');
    assert.equal(sandbox.control.cardholder(email)?.kycVariant, 'base64');
  });

  test('hosted KYC: setUserKyc answers a kycUrl and the review runs', async () => {
    const email = uniqueEmail('hosted');
    const { kycUrl } = await client.setUserKyc(identity(email));
    assert.match(kycUrl, /^http:\/\/127\.0\.0\.1:\d+\/_sandbox\/hosted-kyc\/[0-9a-f-]{36}$/);
    await sandbox.control.advance();
    assert.equal((await client.queryUcardKycStatus({ email })).status, 'PASSED');
  });

  test('querying a user who never submitted KYC is a rejection', async () => {
    await assert.rejects(
      client.queryUcardKycStatus({ email: uniqueEmail('nobody') }),
      rejectedWith('USER_NOT_FOUND'),
    );
  });
});

describe('physical card: assign, activate with the inbox code, PIN, freeze', () => {
  test('the whole path, with the activation code readable once', async () => {
    const email = uniqueEmail('card');
    const cardNumber = sandbox.control.physicalCardStock()[0]!;
    // Assignment needs KYC PASSED (preconditions.kycBeforeAssign).
    await submitKyc(client, email);
    await assert.rejects(
      client.ucardAssign({ email, cardNumber, autoActive: false }),
      rejectedWith('KYC_NOT_PASSED'),
    );
    await sandbox.control.advance();

    const { cardID } = await client.ucardAssign({ email, cardNumber, autoActive: false });
    assert.equal((await client.queryCard({ cardID })).userBankCardStatus, 'WAITING_ACTIVE');
    assert.deepEqual(
      sandbox.control.inbox(email).map((m) => [m.cardID, m.kind, m.taken]),
      [[cardID, 'activation-code', false]],
    );
    // Same card number again: already assigned.
    await assert.rejects(
      client.ucardAssign({ email, cardNumber, autoActive: false }),
      rejectedWith('CARD_ALREADY_ASSIGNED'),
    );

    // The cardholder reads the code over the sandbox's HTTP control surface: once.
    const take = () =>
      fetch(`${sandbox.url}/_sandbox/inbox/take`, { method: 'POST', body: JSON.stringify({ cardID }) });
    const first = await take();
    assert.equal(first.status, 200);
    const { activationCode } = (await first.json()) as { activationCode: string };
    assert.match(activationCode, /^\d{8}$/);
    assert.equal((await take()).status, 404);

    const wrong = activationCode === '11111111' ? '22222222' : '11111111';
    await assert.rejects(
      client.ucardActive({ cardID, activationCode: wrong }),
      rejectedWith('ACTIVATION_CODE_ERROR'),
    );
    const activating = await client.ucardActive({ cardID, activationCode });
    assert.deepEqual(activating, { encrypt: 'SUCCESS', cardID, status: 'ACTIVE_PROCESSING' });
    // No PIN while activation is processing (preconditions.activeCardForPin).
    await assert.rejects(client.cardSetPin({ cardID, pin: '482915' }), rejectedWith('CARD_STATUS_ERROR'));
    await sandbox.control.advance();
    const card = await client.queryCard({ cardID });
    assert.equal(card.userBankCardStatus, 'ACTIVE');
    assert.equal(card.cardNo, cardNumber);
    assert.equal(card.cardHolderEmail, email);
    assert.equal(card.cardCvv, undefined, 'physical cards return no CVV');
    assert.match(card.expiryDate, /^\d{4}$/);

    assert.deepEqual(await client.cardSetPin({ cardID, pin: '482915' }), { encrypt: 'SUCCESS' });
    assert.ok(sandbox.control.pinMatches(cardID, '482915'));
    assert.ok(!sandbox.control.pinMatches(cardID, '000000'));

    assert.deepEqual(await client.updCardStatus({ cardID, status: 'INACTIVE' }), {
      cardID,
      status: 'INACTIVE',
    });
    assert.equal((await client.queryCard({ cardID })).userBankCardStatus, 'INACTIVE');
    assert.deepEqual(await client.updCardStatus({ cardID, status: 'ACTIVE' }), { cardID, status: 'ACTIVE' });

    assert.deepEqual(await client.getCardId({ cardNo: cardNumber }), { cardID, cardNo: cardNumber });
    await assert.rejects(client.getCardId({ cardNo: '4937240000000000' }), rejectedWith('CARD_NOT_FOUND'));
  });

  test('autoActive assignment goes through ACTIVE_PROCESSING to ACTIVE without a code', async () => {
    const email = uniqueEmail('auto');
    await submitKyc(client, email);
    await sandbox.control.advance();
    const { cardID } = await client.ucardAssign({
      email,
      cardNumber: sandbox.control.physicalCardStock()[0]!,
      autoActive: true,
    });
    assert.equal((await client.queryCard({ cardID })).userBankCardStatus, 'ACTIVE_PROCESSING');
    assert.deepEqual(sandbox.control.inbox(email), []);
    await sandbox.control.advance();
    assert.equal((await client.queryCard({ cardID })).userBankCardStatus, 'ACTIVE');
  });

  test('a scripted failed activation ends in ACTIVE_FAILED', async () => {
    const email = uniqueEmail('actfail');
    await submitKyc(client, email);
    await sandbox.control.advance();
    const cardNumber = sandbox.control.physicalCardStock()[0]!;
    const { cardID } = await client.ucardAssign({ email, cardNumber, autoActive: false });
    sandbox.control.scriptActivation(cardID, 'FAILED');
    await client.ucardActive({ cardID, activationCode: sandbox.control.takeActivationCode(cardID)! });
    await sandbox.control.advance();
    assert.equal((await client.queryCard({ cardID })).userBankCardStatus, 'ACTIVE_FAILED');
  });
});

describe('money: recharge and close, against the ledger', () => {
  test('recharge PENDING -> SUCCESS, then close CLOSE_PROCESSING -> CLOSED with the refund credited', async () => {
    const { cardID } = await activeCard(client, sandbox);
    const before = sandbox.control.merchantBalance();

    const recharge = await client.cardRecharge({ cardID, amount: '250.50' });
    assert.equal(recharge.transactionStatus, 'PENDING');
    assert.equal(recharge.sendAmount, '250.50');
    assert.equal(recharge.currency, 'USD');
    // The merchant is debited at once; the card is credited when the recharge settles.
    assert.equal(sandbox.control.merchantBalance(), subtractMoney(before, '250.50'));
    assert.equal((await client.cardBalance({ cardID })).avaBalance, '0.00');
    const [pending] = await client.queryTransactions({ cardID, transactionId: recharge.transactionId });
    assert.equal(pending?.transStatus, 'PENDING');

    await sandbox.control.advance();
    const [settled] = await client.queryTransactions({ cardID, transactionId: recharge.transactionId });
    assert.equal(settled?.transStatus, 'SUCCESS');
    assert.equal(settled?.cardCurrencyAmt, '250.50');
    const balance = await client.cardBalance({ cardID, currency: 'USD' });
    assert.deepEqual([balance.avaBalance, balance.blockBalance], ['250.50', '0.00']);

    const closing = await client.closeCard({ cardID });
    assert.equal(closing.status, 'CLOSE_PROCESSING');
    assert.equal(closing.refundAmt, '250.50');
    assert.equal((await client.cardBalance({ cardID })).avaBalance, '0.00');
    await assert.rejects(client.cardRecharge({ cardID, amount: '1' }), rejectedWith('CARD_STATUS_ERROR'));
    await sandbox.control.advance();
    assert.equal((await client.queryCard({ cardID })).userBankCardStatus, 'CLOSED');
    assert.equal(sandbox.control.merchantBalance(), before);

    const entries = sandbox.control.ledger
      .entries()
      .filter((e) => [recharge.transactionId, closing.txnId].includes(e.ref));
    assert.deepEqual(
      entries.map((e) => [e.kind, e.from, e.to, e.amount]),
      [
        ['recharge', 'merchant', 'kazepay:in-transit', '250.5'],
        ['recharge_settled', 'kazepay:in-transit', `card:${cardID}`, '250.5'],
        ['close', `card:${cardID}`, 'kazepay:in-transit', '250.5'],
        ['close_refund', 'kazepay:in-transit', 'merchant', '250.5'],
      ],
    );
    assert.ok(sandbox.control.ledger.snapshot().balanced);
  });

  test('a scripted failed recharge is refunded to the merchant', async () => {
    const { cardID } = await activeCard(client, sandbox);
    const before = sandbox.control.merchantBalance();
    sandbox.control.scriptRecharge({ outcome: 'failed' });
    const recharge = await client.cardRecharge({ cardID, amount: 40 });
    assert.equal(recharge.sendAmount, '40.00');
    await sandbox.control.advance();
    const [row] = await client.queryTransactions({ cardID, transactionId: recharge.transactionId });
    assert.equal(row?.transStatus, 'FAILED');
    assert.equal((await client.cardBalance({ cardID })).avaBalance, '0.00');
    assert.equal(sandbox.control.merchantBalance(), before);
  });

  test('the Nth poll still pending: settles on poll N+1', async () => {
    const { cardID } = await activeCard(client, sandbox);
    sandbox.control.scriptRecharge({ pendingPolls: 2 });
    const { transactionId } = await client.cardRecharge({ cardID, amount: '10.00' });
    const poll = async () => (await client.queryTransactions({ cardID, transactionId }))[0]?.transStatus;
    assert.equal(await poll(), 'PENDING');
    assert.equal(await poll(), 'PENDING');
    assert.equal(await poll(), 'SUCCESS');
    assert.equal((await client.cardBalance({ cardID })).avaBalance, '10.00');
  });

  test('more than the merchant holds is refused, and nothing moves', async () => {
    const { cardID } = await activeCard(client, sandbox);
    const before = sandbox.control.merchantBalance();
    await assert.rejects(
      client.cardRecharge({ cardID, amount: '1000000.00' }),
      rejectedWith('INSUFFICIENT_BALANCE'),
    );
    assert.equal(sandbox.control.merchantBalance(), before);
  });

  test('queryTransactions pages and filters by time', async () => {
    const { cardID } = await activeCard(client, sandbox);
    for (const amount of ['1.00', '2.00', '3.00']) await client.cardRecharge({ cardID, amount });
    const page1 = await client.queryTransactions({ cardID, pageSize: 2, pageNum: 1 });
    const page2 = await client.queryTransactions({ cardID, pageSize: 2, pageNum: 2 });
    assert.deepEqual(
      [...page1, ...page2].map((r) => r.cardCurrencyAmt),
      ['1.00', '2.00', '3.00'],
    );
    const none = await client.queryTransactions({
      cardID,
      transactionStartTime: '2000-01-01 00:00:00',
      transactionEndTime: '2000-01-02 00:00:00',
    });
    assert.deepEqual(none, []);
  });
});

describe('webhook URL and virtual cards', () => {
  test('setWebhookUrl / getWebhookUrl', async () => {
    assert.deepEqual(await client.setWebhookUrl({ url: 'https://merchant.example/kazepay' }), {
      encrypt: 'SUCCESS',
      url: 'https://merchant.example/kazepay',
    });
    assert.equal((await client.getWebhookUrl()).url, 'https://merchant.example/kazepay');
    sandbox.control.state.webhookUrl = undefined;
  });

  test('createCard AUDITING -> ACTIVE with a CVV', async () => {
    const created = await client.createCard({
      email: uniqueEmail('virtual'),
      mobileNumber: '15659874544',
      mobilePrefix: '60',
      cardBin: '49372408',
    });
    assert.equal(created.status, 'AUDITING');
    await sandbox.control.advance();
    assert.equal((await client.createCardQuery({ cardID: created.cardID })).status, 'ACTIVE');
    assert.match((await client.queryCard({ cardID: created.cardID })).cardCvv ?? '', /^\d{3}$/);
  });
});
