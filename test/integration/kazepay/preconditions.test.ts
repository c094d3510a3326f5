// Refusals the KazePay seed does not state are sandbox options (`preconditions`), off by default:
// off, the request the seed allows is accepted; on, it is refused as the sandbox used to. The
// checks the seed states (KYC PASSED before ucardActive, card state on recharge) stay either way.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ProviderRejectedError } from '../../../src/providers/errors';
import type { KazepayClient } from '../../../src/providers/kazepay/client';
import { DEFAULT_PRECONDITIONS, type KazepayPreconditions } from '../../../tools/sandbox/kazepay/options';
import type { KazepaySandbox } from '../../../tools/sandbox/kazepay/server';
import { clientFor, startSandbox, submitKyc, uniqueEmail } from './helpers';

const rejectedWith = (code: string) => (error: unknown) => {
  assert.ok(error instanceof ProviderRejectedError, String(error));
  assert.equal(error.code, code);
  return true;
};

const ALL_ON: KazepayPreconditions = {
  kycBeforeAssign: true,
  awaitingActivationBeforeActivate: true,
  activeCardForPin: true,
};

let off: { sandbox: KazepaySandbox; client: KazepayClient };
let on: { sandbox: KazepaySandbox; client: KazepayClient };

before(async () => {
  // Real-time timings: nothing moves unless control.advance() says so.
  const plain = await startSandbox();
  const strict = await startSandbox({ preconditions: ALL_ON });
  off = { sandbox: plain, client: clientFor(plain) };
  on = { sandbox: strict, client: clientFor(strict) };
});
after(async () => {
  await off.sandbox.close();
  await on.sandbox.close();
});

/** KYC submitted (still WAITING_KYC), a card assigned without autoActive, its code read. */
async function assignedCard(s: typeof off, kyc: 'waiting' | 'passed') {
  const email = uniqueEmail('pre');
  await submitKyc(s.client, email);
  if (kyc === 'passed') await s.sandbox.control.advance();
  const cardNumber = s.sandbox.control.physicalCardStock()[0]!;
  const { cardID } = await s.client.ucardAssign({ email, cardNumber, autoActive: false });
  return { email, cardID, code: s.sandbox.control.takeActivationCode(cardID)! };
}

test('every invented precondition is off by default', () => {
  assert.deepEqual(DEFAULT_PRECONDITIONS, {
    kycBeforeAssign: false,
    awaitingActivationBeforeActivate: false,
    activeCardForPin: false,
  });
});

describe('kycBeforeAssign', () => {
  test('off: a card is assigned while the KYC is still in review', async () => {
    const { cardID } = await assignedCard(off, 'waiting');
    assert.equal(off.sandbox.control.card(cardID)?.status, 'WAITING_ACTIVE');
  });

  test('on: refused with KYC_NOT_PASSED until the KYC passed', async () => {
    const email = uniqueEmail('pre-on');
    await submitKyc(on.client, email);
    const cardNumber = on.sandbox.control.physicalCardStock()[0]!;
    await assert.rejects(
      on.client.ucardAssign({ email, cardNumber, autoActive: false }),
      rejectedWith('KYC_NOT_PASSED'),
    );
  });

  test('either way, a user who never submitted KYC is unknown', async () => {
    const cardNumber = off.sandbox.control.physicalCardStock()[0]!;
    await assert.rejects(
      off.client.ucardAssign({ email: uniqueEmail('nobody'), cardNumber, autoActive: true }),
      rejectedWith('USER_NOT_FOUND'),
    );
  });

  test('the seed rule stays: no activation before the KYC passed', async () => {
    const { cardID, code } = await assignedCard(off, 'waiting');
    await assert.rejects(
      off.client.ucardActive({ cardID, activationCode: code }),
      rejectedWith('KYC_NOT_PASSED'),
    );
  });
});

describe('awaitingActivationBeforeActivate', () => {
  test('off: ucardActive sent again (its answer lost) is accepted and answers the card as it is', async () => {
    const { cardID, code } = await assignedCard(off, 'passed');
    const first = await off.client.ucardActive({ cardID, activationCode: code });
    assert.equal(first.status, 'ACTIVE_PROCESSING');
    assert.deepEqual(await off.client.ucardActive({ cardID, activationCode: code }), first);
    await off.sandbox.control.advance();
    assert.deepEqual(await off.client.ucardActive({ cardID, activationCode: code }), {
      encrypt: 'SUCCESS',
      cardID,
      status: 'ACTIVE',
    });
    const wrong = code === '11111111' ? '22222222' : '11111111';
    await assert.rejects(
      off.client.ucardActive({ cardID, activationCode: wrong }),
      rejectedWith('ACTIVATION_CODE_ERROR'),
    );
  });

  test('on: a card no longer awaiting activation is refused with CARD_STATUS_ERROR', async () => {
    const { cardID, code } = await assignedCard(on, 'passed');
    await on.client.ucardActive({ cardID, activationCode: code });
    await assert.rejects(
      on.client.ucardActive({ cardID, activationCode: code }),
      rejectedWith('CARD_STATUS_ERROR'),
    );
  });
});

describe('activeCardForPin', () => {
  test('off: the PIN is set on a card still awaiting activation', async () => {
    const { cardID } = await assignedCard(off, 'passed');
    assert.deepEqual(await off.client.cardSetPin({ cardID, pin: '482915' }), { encrypt: 'SUCCESS' });
    assert.equal(off.sandbox.control.pinMatches(cardID, '482915'), true);
  });

  test('on: refused with CARD_STATUS_ERROR until the card is ACTIVE', async () => {
    const { cardID } = await assignedCard(on, 'passed');
    await assert.rejects(on.client.cardSetPin({ cardID, pin: '482915' }), rejectedWith('CARD_STATUS_ERROR'));
  });
});
