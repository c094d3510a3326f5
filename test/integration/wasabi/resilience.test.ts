// Error classification against the sandbox: duplicates, 5xx, applied-but-unanswered, credentials,
// tampered or unsigned answers, scripted outcomes and the UNCONFIRMED-behaviour switches.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ProviderAmbiguousError,
  ProviderAuthenticationError,
  ProviderDuplicateOrderError,
  ProviderResponseIntegrityError,
  ProviderRetryableError,
  ProviderValidationError,
} from '../../../src/providers/errors';
import { Decimal } from '../../../src/contract/money';
import { WASABI_PATHS } from '../../../src/providers/wasabi/paths';
import { signWasabi, verifyWasabi } from '../../../src/providers/wasabi/signature';
import { eventually, merchantKeys, orderNo, startHarness, type Harness } from './helpers';

let h: Harness;
let cardNo: string;
before(async () => {
  h = await startHarness();
  const created = await h.client.createCard({
    merchantOrderNo: orderNo('C'),
    cardTypeId: '111002',
    amount: '100',
  });
  cardNo = created.cardNo!;
  await eventually(async () => (await h.client.cardInfo({ cardNo })).status === 'Normal');
});
after(() => h.close());

const walletBalance = async () => (await h.client.accountInfo())[0]!.availableBalance;

describe('idempotency by merchantOrderNo', () => {
  test('a reused merchantOrderNo is refused as a duplicate; the original stays queryable', async () => {
    const merchantOrderNo = orderNo('D');
    const original = await h.client.deposit({ cardNo, merchantOrderNo, amount: '20' });
    await assert.rejects(h.client.deposit({ cardNo, merchantOrderNo, amount: '20' }), (error) => {
      assert.ok(error instanceof ProviderDuplicateOrderError);
      assert.equal(error.merchantOrderNo, merchantOrderNo);
      assert.equal(error.code, '400');
      return true;
    });
    const found = await h.client.findOrders(merchantOrderNo);
    assert.deepEqual(
      found.map((o) => o.orderNo),
      [original.orderNo],
    );
  });

  test('5xx: nothing applied, Retryable; sending the same merchantOrderNo again works', async () => {
    const merchantOrderNo = orderNo('D');
    h.sandbox.control.faults.script(WASABI_PATHS.deposit, 'server-error');
    const before = await walletBalance();
    await assert.rejects(h.client.deposit({ cardNo, merchantOrderNo, amount: '20' }), ProviderRetryableError);
    assert.equal((await h.client.findOrders(merchantOrderNo)).length, 0);
    assert.equal(await walletBalance(), before);
    const retried = await h.client.deposit({ cardNo, merchantOrderNo, amount: '20' });
    assert.equal(retried.merchantOrderNo, merchantOrderNo);
  });

  test('applied but unanswered: Ambiguous; the order is then found by merchantOrderNo and a resend is a duplicate', async () => {
    const merchantOrderNo = orderNo('C');
    h.sandbox.control.faults.script(WASABI_PATHS.createCardV2, 'applied-no-answer');
    const impatient = h.clientFor({ timeoutMs: 300 });
    await assert.rejects(
      impatient.createCard({ merchantOrderNo, cardTypeId: '111002', amount: '15' }),
      ProviderAmbiguousError,
    );
    const [found] = await h.client.findOrders(merchantOrderNo);
    assert.equal(found?.type, 'create');
    assert.ok(found?.cardNo);
    await assert.rejects(
      h.client.createCard({ merchantOrderNo, cardTypeId: '111002', amount: '15' }),
      ProviderDuplicateOrderError,
    );
    const settled = await eventually(async () => {
      const [o] = await h.client.findOrders(merchantOrderNo);
      return o?.status === 'success' ? o : undefined;
    });
    assert.equal(settled.orderNo, found?.orderNo, 'one card, not two');
  });

  test('invalid input is refused before a request leaves', async () => {
    const seen = h.sandbox.control.requests.length;
    await assert.rejects(
      h.client.deposit({ cardNo, merchantOrderNo: 'short', amount: '20' }),
      ProviderValidationError,
    );
    assert.equal(h.sandbox.control.requests.length, seen);
  });
});

describe('credentials and integrity', () => {
  test('bad api key and a signature by the wrong merchant key are Authentication errors', async () => {
    await assert.rejects(
      h.clientFor({ apiKey: 'wrong-key' }).balance({ cardNo }),
      ProviderAuthenticationError,
    );
    await assert.rejects(
      h.clientFor({ merchantPrivateKey: merchantKeys().privatePem }).balance({ cardNo }),
      ProviderAuthenticationError,
    );
  });

  test('a response altered by one byte, or with a broken signature, is refused (the latter was applied)', async () => {
    h.sandbox.control.tamperNext(WASABI_PATHS.balance);
    await assert.rejects(h.client.balance({ cardNo }), ProviderResponseIntegrityError);
    assert.equal((await h.client.balance({ cardNo })).cardNo, cardNo, 'the next answer is intact');

    const merchantOrderNo = orderNo('D');
    h.sandbox.control.faults.script(WASABI_PATHS.deposit, 'broken-signature');
    await assert.rejects(
      h.client.deposit({ cardNo, merchantOrderNo, amount: '20' }),
      ProviderResponseIntegrityError,
    );
    assert.equal((await h.client.findOrders(merchantOrderNo)).length, 1);
  });

  test('unsigned responses: strict refuses, warn accepts and logs', async () => {
    h.sandbox.control.setSwitches({ responseSignature: 'omit' });
    try {
      await assert.rejects(h.client.balance({ cardNo }), /no X-WSB-SIGNATURE/);
      const warnings: string[] = [];
      const lenient = h.clientFor({
        missingResponseSignature: 'warn',
        logger: { warn: (_o, m) => warnings.push(m) },
      });
      assert.equal((await lenient.balance({ cardNo })).cardNo, cardNo);
      assert.equal(warnings.length, 1);
    } finally {
      h.sandbox.control.setSwitches({ responseSignature: 'always' });
    }
  });

  test('a slow answer beyond the client timeout is Ambiguous', async () => {
    h.sandbox.control.faults.setRates({ slowRate: 1, slowMs: 500 }, WASABI_PATHS.balance);
    try {
      await assert.rejects(h.clientFor({ timeoutMs: 150 }).balance({ cardNo }), ProviderAmbiguousError);
    } finally {
      h.sandbox.control.faults.setRates({}, WASABI_PATHS.balance);
    }
  });
});

describe('malformed requests get the provider error shape, signed', () => {
  const raw = async (method: string, body: string) => {
    const res = await fetch(`${h.sandbox.url}${WASABI_PATHS.balance}`, {
      method,
      headers: {
        'Content-Type': 'application/json',
        'X-WSB-API-KEY': h.sandbox.apiKey,
        'X-WSB-SIGNATURE': signWasabi(body, h.keys.privatePem),
      },
      ...(method === 'POST' ? { body } : {}),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(verifyWasabi(bytes, res.headers.get('X-WSB-SIGNATURE'), h.sandbox.platformPublicKey), true);
    return {
      status: res.status,
      body: JSON.parse(bytes.toString()) as { success: boolean; code: number; msg: string },
    };
  };

  test('not JSON, not an object, a missing field, a wrong method', async () => {
    assert.deepEqual((await raw('POST', 'cardNo=1')).body.code, 400);
    assert.match((await raw('POST', '[1]')).body.msg, /JSON object/);
    const missing = await raw('POST', '{}');
    assert.equal(missing.status, 200);
    assert.deepEqual([missing.body.success, missing.body.code], [false, 400]);
    assert.match(missing.body.msg, /cardNo/);
    assert.equal((await raw('GET', '')).body.code, 405);
  });
});

describe('scripted outcomes and switches', () => {
  test('a scripted failed deposit ends in fail and the merchant is credited back', async () => {
    const merchantOrderNo = orderNo('D');
    h.sandbox.control.scriptOrder({ match: { merchantOrderNo }, outcome: 'fail' });
    const before = await walletBalance();
    await h.client.deposit({ cardNo, merchantOrderNo, amount: '30' });
    assert.equal(
      await walletBalance(),
      new Decimal(before).minus('30.3').toFixed(),
      'debited at acceptance (30 + 1% fee)',
    );
    const failed = await eventually(async () => {
      const [o] = await h.client.findOrders(merchantOrderNo);
      return o?.status === 'fail' ? o : undefined;
    });
    assert.equal(failed.receivedAmount, '0');
    assert.equal(await walletBalance(), before);
  });

  test('the Nth poll still says pending', async () => {
    const merchantOrderNo = orderNo('D');
    await h.client.deposit({ cardNo, merchantOrderNo, amount: '20' });
    h.sandbox.control.holdForPolls(merchantOrderNo, 3);
    await h.sandbox.control.runDue(); // time passes: the order would have finished by now
    const statuses: string[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await h.client.findOrders(merchantOrderNo))[0]!.status);
    assert.deepEqual(
      statuses.slice(0, 3).map((s) => s === 'success'),
      [false, false, false],
    );
    assert.equal(statuses[3], 'success');
  });

  test('amounts as JSON numbers, lower-case card statuses and URL-encoded sensitive data read the same', async () => {
    const asStrings = await h.client.balance({ cardNo });
    h.sandbox.control.setSwitches({
      amountsAs: 'number',
      cardStatusCase: 'lower',
      sensitiveEncoding: 'url-encoded',
    });
    try {
      const balance = await h.client.balance({ cardNo });
      assert.deepEqual(balance, asStrings);
      const info = await h.client.cardInfo({ cardNo });
      assert.equal(info.status, 'Normal');
      const sensitive = await h.client.sensitive({ cardNo });
      assert.match(sensitive.cardNumber ?? '', /^\d{16}$/);
    } finally {
      h.sandbox.control.setSwitches({
        amountsAs: 'string',
        cardStatusCase: 'documented',
        sensitiveEncoding: 'base64',
      });
    }
  });

  test('manual mode: nothing moves until the control surface advances it (over HTTP)', async () => {
    const manual = await startHarness({ autoAdvance: false });
    try {
      const created = await manual.client.createCard({
        merchantOrderNo: orderNo('C'),
        cardTypeId: '111002',
        amount: '20',
      });
      await new Promise((r) => setTimeout(r, 80));
      assert.equal((await manual.client.findOrders(created.merchantOrderNo!))[0]?.status, 'wait_process');
      const res = await fetch(`${manual.sandbox.url}/_sandbox/advance`, { method: 'POST', body: '{}' });
      assert.equal(res.status, 200);
      assert.equal((await manual.client.findOrders(created.merchantOrderNo!))[0]?.status, 'success');
      const ledger = (await (await fetch(`${manual.sandbox.url}/_sandbox/ledger`)).json()) as {
        balanced: boolean;
      };
      assert.equal(ledger.balanced, true);
    } finally {
      await manual.close();
    }
  });
});
