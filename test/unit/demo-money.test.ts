// The demo prints every amount the same way for both providers: two decimals at least, the
// currency after, from decimal text (never through a float).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMoney } from '../../tools/demo/money';

test('amounts print with two decimals whatever the provider answered', () => {
  assert.equal(formatMoney('50', 'USD'), '50.00 USD');
  assert.equal(formatMoney('40.00', 'USD'), '40.00 USD');
  assert.equal(formatMoney('12.5', 'USD'), '12.50 USD');
  assert.equal(formatMoney(30, 'USD'), '30.00 USD');
});

test('more precision than two decimals is kept, large amounts are not rounded through a float', () => {
  assert.equal(formatMoney('0.123456', 'USDT'), '0.123456 USDT');
  assert.equal(formatMoney('123456789012.01', 'USD'), '123456789012.01 USD');
  assert.equal(formatMoney('9007199254740993', 'USD'), '9007199254740993.00 USD');
});

test('no currency: the amount alone; text that is not an amount is shown as given', () => {
  assert.equal(formatMoney('7'), '7.00');
  assert.equal(formatMoney('n/a', 'USD'), 'n/a USD');
});
