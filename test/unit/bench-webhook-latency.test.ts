// Webhook-to-flow latency (issue 20): which notification reached which flow, and when that flow's
// next state showed in its history.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { temporal } from '@temporalio/proto';
import { halfLoadConcurrency } from '../../tools/bench/webhook-block';
import {
  type JournalEntry,
  latencyPercentiles,
  type SandboxDelivery,
  stateChangeTimes,
  webhookLatencies,
} from '../../tools/bench/webhook-latency';

const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const payload = { metadata: {}, data: new Uint8Array() };

describe('state changes in a history', () => {
  test('CardState upserts and the close count; other upserts and events do not', () => {
    // fromObject turns the plain seconds into the Long the generated types hold.
    const history = temporal.api.history.v1.History.fromObject({
      events: [
        { eventTime: at(1000), workflowExecutionStartedEventAttributes: {} },
        {
          eventTime: at(1500),
          upsertWorkflowSearchAttributesEventAttributes: {
            searchAttributes: { indexedFields: { CardState: payload } },
          },
        },
        {
          eventTime: at(1700),
          upsertWorkflowSearchAttributesEventAttributes: {
            searchAttributes: { indexedFields: { CardRef: payload } },
          },
        },
        { eventTime: at(1800), workflowExecutionSignaledEventAttributes: { signalName: 'x' } },
        { eventTime: at(2250), workflowExecutionCompletedEventAttributes: {} },
      ],
    });
    assert.deepEqual(stateChangeTimes(history), [1500, 2250]);
  });
});

describe('latency per notification', () => {
  const delivery = (key: string, sentMs: number, category = 'card_transaction'): SandboxDelivery => ({
    meta: { category, key, status: 'success' },
    attempts: [{ at: new Date(sentMs).toISOString(), accepted: true, status: 200 }],
    state: 'delivered',
  });
  const signalled = (
    key: string,
    workflowIds: string[],
    category = 'card_transaction',
    atMs?: number,
  ): JournalEntry => ({
    ...(atMs === undefined ? {} : { at: new Date(atMs).toISOString() }),
    event: category,
    key,
    status: 'success',
    outcome: 'signalled',
    workflowIds,
  });
  const t0 = Date.parse('2026-12-05T12:00:00.000Z');

  test('from the send to the next state of the signalled flow', () => {
    const result = webhookLatencies(
      [delivery('order-1', t0 + 100), delivery('holder-1', t0 + 200, 'card_holder')],
      [
        signalled('order-1', ['deposit-1'], 'card_transaction', t0 + 160),
        signalled('holder-1', ['kyc-1'], 'card_holder', t0 + 440),
      ],
      new Map([
        ['deposit-1', [t0 + 50, t0 + 180, t0 + 900]],
        ['kyc-1', [t0 + 450]],
      ]),
      t0,
    );
    // The API signalled 60 ms and 240 ms after the sends: the rest was the flows'.
    assert.deepEqual(result, {
      notifications: 2,
      latenciesMs: [80, 250],
      routingMs: [60, 240],
      notSignalled: 0,
      noStateChange: 0,
    });
  });

  test('sent before the window, never signalled, or followed by no state change: told apart', () => {
    const result = webhookLatencies(
      [delivery('old', t0 - 1), delivery('unmatched', t0 + 10), delivery('late', t0 + 20)],
      [
        signalled('old', ['a']),
        { event: 'card_transaction', key: 'unmatched', status: 'success', outcome: 'unmatched' },
        signalled('late', ['b']),
      ],
      new Map([
        ['a', [t0 + 5]],
        ['b', [t0 + 10]],
      ]),
      t0,
    );
    assert.deepEqual(result, {
      notifications: 2,
      latenciesMs: [],
      routingMs: [],
      notSignalled: 1,
      noStateChange: 1,
    });
  });

  test('a notification signalled to two flows counts once, at the first to move', () => {
    const result = webhookLatencies(
      [delivery('card', t0)],
      [signalled('card', ['x', 'y'])],
      new Map([
        ['x', [t0 + 300]],
        ['y', [t0 + 120]],
      ]),
      t0,
    );
    assert.deepEqual(result.latenciesMs, [120]);
  });

  test('percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.deepEqual(latencyPercentiles(values), { p50Ms: 50.5, p99Ms: 99.01, maxMs: 100 });
    assert.ok(Number.isNaN(latencyPercentiles([]).p99Ms));
  });

  test('half the saturating load: where throughput reaches half its peak, not half the best concurrency', () => {
    // The dev server's cardflow curve of the 2026-12-06 full run: peak 3.48/s at 128, half 1.74/s
    // between 8 (1.14/s) and 32 (2.96/s). Half of 128 (64 in flight) gave 3.18/s: saturated.
    const devServer = [
      { concurrency: 1, throughput: 0.18 },
      { concurrency: 8, throughput: 1.14 },
      { concurrency: 32, throughput: 2.96 },
      { concurrency: 64, throughput: 3.18 },
      { concurrency: 128, throughput: 3.48 },
    ];
    assert.equal(halfLoadConcurrency(devServer), 16);
    // A curve still rising linearly: half the load is half the concurrency.
    assert.equal(
      halfLoadConcurrency([
        { concurrency: 8, throughput: 1 },
        { concurrency: 16, throughput: 2 },
      ]),
      8,
    );
    // One point, or the first point already past half: interpolated from nothing in flight.
    assert.equal(halfLoadConcurrency([{ concurrency: 16, throughput: 2 }]), 8);
    assert.equal(halfLoadConcurrency([{ concurrency: 1, throughput: 0.2 }]), 1);
    assert.throws(() => halfLoadConcurrency([]), RangeError);
  });
});
