// The plain-text message an encoded failure keeps (what the Web UI shows first) names the kind of
// failure only; the real message and stack go encrypted and come back on decoding.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ActivityFailure,
  ApplicationFailure,
  defaultPayloadConverter,
  RetryState,
  TimeoutFailure,
} from '@temporalio/common';
import { failureConverter, failureHeadline } from '../../../src/security/failure-converter';

const PAN = '4111111111111111';

test('an application failure is headed by its type; its message is only in encodedAttributes', () => {
  const error = ApplicationFailure.nonRetryable(`provider refused card ${PAN}`, 'ProviderRejected');
  const failure = failureConverter.errorToFailure(error, defaultPayloadConverter);
  assert.equal(failure.message, 'ProviderRejected (message encrypted: open it with the codec server)');
  assert.equal(failure.stackTrace, '');
  assert.ok(failure.encodedAttributes, 'message and stack encoded');
  assert.ok(!JSON.stringify({ ...failure, encodedAttributes: undefined }).includes(PAN));
  const back = failureConverter.failureToError(failure, defaultPayloadConverter);
  assert.equal(back.message, `provider refused card ${PAN}`);
});

test('causes are headed too: an activity failure names its activity type, a timeout its kind', () => {
  const cause = new TimeoutFailure('took too long', undefined, 'START_TO_CLOSE');
  const error = new ActivityFailure(
    'activity failed',
    'wasabiCreateDeposit',
    '7',
    RetryState.TIMEOUT,
    'cardflow',
    cause,
  );
  const failure = failureConverter.errorToFailure(error, defaultPayloadConverter);
  assert.match(failure.message ?? '', /^activity wasabiCreateDeposit failed \(message encrypted/);
  assert.match(failure.cause?.message ?? '', /^start-to-close timeout \(message encrypted/);
});

test('a type that is not a plain identifier is replaced: a headline never carries text or digits', () => {
  for (const type of [`Odd type with ${PAN}`, `Card${PAN}`, 'A'.repeat(81), '<b>x</b>', ''])
    assert.equal(
      failureHeadline({ applicationFailureInfo: { type } }),
      'ApplicationFailure (message encrypted: open it with the codec server)',
      type,
    );
  assert.equal(failureHeadline({ canceledFailureInfo: {} }).split(' ')[0], 'canceled');
  assert.equal(
    failureHeadline({ applicationFailureInfo: { type: 'OutcomeUnknown' } }).split(' ')[0],
    'OutcomeUnknown',
  );
});
