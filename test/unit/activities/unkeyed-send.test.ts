// A KazePay send is never repeated blind across activity attempts: a later attempt sends only
// when the one before it left "the provider certainly did not act" with its failure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { sendUnkeyed } from '../../../activities/unkeyed-send';
import { ProviderAmbiguousError, ProviderRetryableError } from '../../../src/providers/errors';

const context = { provider: 'kazepay' as const, operation: 'cardRecharge' };

function attempt(n: number, heartbeatDetails?: unknown) {
  return new MockActivityEnvironment({ attempt: n, heartbeatDetails });
}

/** Runs a first attempt whose call fails with `error`; answers the heartbeats it left. */
async function failedFirstAttempt(error: Error): Promise<unknown[]> {
  const first = attempt(1);
  const beats: unknown[] = [];
  first.on('heartbeat', (details: unknown) => beats.push(details));
  await assert.rejects(
    first.run(() =>
      sendUnkeyed('cardRecharge', async () => {
        throw error;
      }),
    ),
    error.constructor as new () => Error,
  );
  return beats;
}

test('the first attempt sends', async () => {
  let sent = 0;
  const answer = await attempt(1).run(() => sendUnkeyed('cardRecharge', async () => ++sent));
  assert.equal(answer, 1);
  assert.equal(sent, 1);
});

test('a retryable refusal leaves "not applied" behind for the next attempt, which sends', async () => {
  const beats = await failedFirstAttempt(new ProviderRetryableError('HTTP 429', context));
  assert.deepEqual(beats, [{ notAppliedAttempt: 1 }]);
  let sent = 0;
  await attempt(2, beats[0]).run(() => sendUnkeyed('cardRecharge', async () => ++sent));
  assert.equal(sent, 1);
});

test('an attempt after one that left nothing (timed out, worker gone) does not send: ambiguous', async () => {
  let sent = 0;
  await assert.rejects(
    attempt(2).run(() => sendUnkeyed('cardRecharge', async () => ++sent)),
    (error: unknown) => {
      assert.ok(error instanceof ProviderAmbiguousError);
      assert.match(error.message, /reconcile before sending again/);
      return true;
    },
  );
  assert.equal(sent, 0, 'nothing sent');
});

test('a "not applied" mark from an older attempt does not count (the attempt between may have sent)', async () => {
  let sent = 0;
  await assert.rejects(
    attempt(3, { notAppliedAttempt: 1 }).run(() => sendUnkeyed('cardRecharge', async () => ++sent)),
    ProviderAmbiguousError,
  );
  assert.equal(sent, 0);
});

test('an ambiguous failure leaves no mark: the workflow reconciles', async () => {
  assert.deepEqual(await failedFirstAttempt(new ProviderAmbiguousError('timed out', context)), []);
});
