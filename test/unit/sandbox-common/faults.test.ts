import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaultInjector } from '../../../tools/sandbox/common/faults';

test('scripted faults come first, in order, then normal service', () => {
  const faults = new FaultInjector();
  faults.script('cardRecharge', 'applied-no-answer', 'server-error');
  assert.equal(faults.decide('cardRecharge').kind, 'applied-no-answer');
  assert.equal(faults.decide('queryCard').kind, 'none', 'other operations unaffected');
  assert.equal(faults.decide('cardRecharge').kind, 'server-error');
  assert.equal(faults.decide('cardRecharge').kind, 'none');
  assert.deepEqual(
    faults.history.map((h) => h.kind),
    ['applied-no-answer', 'server-error'],
  );
});

test('rates are honoured over many calls and reproducible from the seed', () => {
  const draw = (seed: number) => {
    const faults = new FaultInjector({ seed, global: { serverErrorRate: 0.1, appliedNoAnswerRate: 0.02 } });
    return Array.from({ length: 10_000 }, () => faults.decide('op').kind);
  };
  const kinds = draw(42);
  const share = (k: string) => kinds.filter((x) => x === k).length / kinds.length;
  assert.ok(Math.abs(share('server-error') - 0.1) < 0.015, `5xx share ${share('server-error')}`);
  assert.ok(
    Math.abs(share('applied-no-answer') - 0.02) < 0.006,
    `no-answer share ${share('applied-no-answer')}`,
  );
  assert.deepEqual(draw(42), kinds, 'same seed, same faults');
});

test('per-operation rates override global ones; slow carries its delay; bad rates are refused', () => {
  const faults = new FaultInjector({ global: { serverErrorRate: 1 } });
  faults.setRates({ slowRate: 1, slowMs: 250 }, 'queryCard');
  assert.deepEqual(faults.decide('queryCard'), { kind: 'slow', delayMs: 250 });
  assert.equal(faults.decide('closeCard').kind, 'server-error');
  assert.throws(() => faults.setRates({ serverErrorRate: 0.7, slowRate: 0.5 }), RangeError);
  faults.clear();
  assert.equal(faults.decide('closeCard').kind, 'none');
});
