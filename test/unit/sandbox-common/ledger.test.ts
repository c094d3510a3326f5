import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InsufficientFundsError, Ledger, LedgerError } from '../../../tools/sandbox/common/ledger';

test('double entry: funding, moves and pay-outs keep every currency summing to zero', () => {
  const ledger = new Ledger();
  ledger.ensureAccount('merchant:USD', 'USD');
  ledger.ensureAccount('card:1', 'USD');
  ledger.fund('merchant:USD', '1000', { kind: 'funding', ref: 'seed' });
  ledger.transfer('merchant:USD', 'card:1', '100.10', { kind: 'recharge', ref: 'tx1' });
  ledger.payOut('card:1', '0.30', { kind: 'spend', ref: 'auth1' });
  assert.equal(ledger.balance('merchant:USD'), '899.9');
  assert.equal(ledger.balance('card:1'), '99.8');
  const snap = ledger.snapshot();
  assert.equal(snap.balanced, true);
  assert.deepEqual(snap.totals, { USD: '0' });
  assert.equal(snap.accounts['external:USD']?.balance, '-999.7');
  assert.deepEqual(
    ledger.entries({ ref: 'tx1' }).map((e) => [e.from, e.to, e.amount]),
    [['merchant:USD', 'card:1', '100.1']],
  );
});

test('decimal arithmetic: 0.1 + 0.2 is exactly 0.3', () => {
  const ledger = new Ledger();
  ledger.ensureAccount('a', 'USD');
  ledger.fund('a', '0.1', { kind: 'f', ref: '1' });
  ledger.fund('a', '0.2', { kind: 'f', ref: '2' });
  assert.equal(ledger.balance('a'), '0.3');
});

test('an account cannot go negative, currencies cannot mix, amounts must be valid', () => {
  const ledger = new Ledger();
  ledger.ensureAccount('a', 'USD');
  ledger.ensureAccount('b', 'USD');
  ledger.ensureAccount('e', 'EUR');
  ledger.fund('a', '5', { kind: 'f', ref: '1' });
  assert.throws(() => ledger.transfer('a', 'b', '5.01', { kind: 'x', ref: '2' }), InsufficientFundsError);
  assert.throws(() => ledger.transfer('a', 'e', '1', { kind: 'x', ref: '3' }), LedgerError);
  assert.throws(() => ledger.transfer('a', 'b', '-1', { kind: 'x', ref: '4' }), LedgerError);
  assert.equal(ledger.balance('a'), '5', 'refused moves change nothing');
  assert.equal(ledger.entries().length, 1);
});
