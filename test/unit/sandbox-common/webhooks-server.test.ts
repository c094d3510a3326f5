import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HANG_UP, startSandboxServer } from '../../../tools/sandbox/common/http-server';
import { Scheduler } from '../../../tools/sandbox/common/scheduler';
import { WebhookSender } from '../../../tools/sandbox/common/webhooks';

test('sandbox server hands the exact bytes to the handler and returns its bytes', async () => {
  const server = await startSandboxServer({
    handle: async (req) => ({
      status: 201,
      headers: { 'x-echo': req.path },
      body: Buffer.concat([req.rawBody, Buffer.from('!')]),
    }),
  });
  try {
    const res = await fetch(`${server.url}/a/b?x=1`, { method: 'POST', body: '{"a": 1.50}' });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-echo'), '/a/b');
    assert.equal(await res.text(), '{"a": 1.50}!');
  } finally {
    await server.close();
  }
});

test('HANG_UP leaves the client without an answer, and close() still ends promptly', async () => {
  let applied = 0;
  const server = await startSandboxServer({
    handle: async () => {
      applied++;
      return HANG_UP;
    },
  });
  await assert.rejects(
    fetch(server.url, { method: 'POST', body: 'x', signal: AbortSignal.timeout(200) }),
    (e: Error) => e.name === 'TimeoutError',
  );
  assert.equal(applied, 1);
  const started = Date.now();
  await server.close();
  assert.ok(Date.now() - started < 2000);
});

test('webhooks retry on the schedule until acknowledged, recording each attempt', async () => {
  let calls = 0;
  const receiver = await startSandboxServer({
    handle: async (req) => {
      calls++;
      assert.equal(req.headers['x-sig'], 'abc');
      return calls < 3 ? { status: 500, body: 'no' } : { status: 200, body: 'SUCCESS' };
    },
  });
  const sender = new WebhookSender({
    scheduleMs: [60_000, 120_000, 240_000],
    timeScale: 0.0001,
    isAccepted: (status, body) => status === 200 && body.toString() === 'SUCCESS',
  });
  try {
    const delivery = sender.send(receiver.url, '{"e":1}', { 'x-sig': 'abc' }, { event: 'recharge' });
    for (let i = 0; i < 100 && delivery.state === 'pending'; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(delivery.state, 'delivered');
    assert.deepEqual(
      delivery.attempts.map((a) => [a.status, a.accepted]),
      [
        [500, false],
        [500, false],
        [200, true],
      ],
    );
    assert.equal(sender.deliveries({ event: 'recharge' }).length, 1);
  } finally {
    await sender.close();
    await receiver.close();
  }
});

test('webhooks give up after the last scheduled send; dropped ones are never sent', async () => {
  let calls = 0;
  const receiver = await startSandboxServer({
    handle: async () => {
      calls++;
      return { status: 503, body: '' };
    },
  });
  const sender = new WebhookSender({ scheduleMs: [1000, 2000], isAccepted: (s) => s === 200 });
  try {
    const delivery = sender.send(receiver.url, '{}', {});
    await sender.flush();
    assert.equal(delivery.state, 'failed');
    assert.equal(calls, 3, 'one send plus two retries');
    sender.faults = { dropRate: 1 };
    const dropped = sender.send(receiver.url, '{}', {});
    await sender.flush();
    assert.equal(dropped.state, 'dropped');
    assert.equal(calls, 3);
  } finally {
    await sender.close();
    await receiver.close();
  }
});

test('scheduler: scaled delays, runAllNow in due order, cancel', async () => {
  const order: string[] = [];
  const scheduler = new Scheduler({ timeScale: 1 });
  scheduler.after(60_000, () => void order.push('late'));
  scheduler.after(1_000, () => {
    order.push('early');
    scheduler.after(10, () => void order.push('chained'));
  });
  const cancel = scheduler.after(5_000, () => void order.push('cancelled'));
  cancel();
  assert.equal(scheduler.pending(), 2);
  await scheduler.runAllNow();
  assert.deepEqual(order, ['early', 'chained', 'late']);
  await scheduler.close();
});
