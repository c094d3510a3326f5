// Provider identifiers that happen to be Luhn-valid are not card numbers: they reach callers intact
// (found by the chaos suite: one WasabiCard holderId in ten came back masked from GET /flows/:id).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { luhnValid } from '../../src/contract/luhn';
import { redactSensitive } from '../../src/logging/redaction';

function luhnComplete(prefix: string): string {
  for (let d = 0; d < 10; d++) if (luhnValid(`${prefix}${d}`)) return `${prefix}${d}`;
  throw new Error('unreachable');
}

test('Luhn-valid provider ids under identifier keys are kept; the same digits elsewhere are masked', () => {
  const holderId = luhnComplete('190000001200000004');
  const cardRef = `WC${luhnComplete('12340000000512345')}`;
  const out = redactSensitive({
    holderId,
    cardRef,
    providerTransactionId: holderId,
    note: `holder ${holderId}`,
    cardNo: cardRef,
  }) as Record<string, string>;
  assert.equal(out.holderId, holderId);
  assert.equal(out.cardRef, cardRef);
  assert.equal(out.providerTransactionId, holderId);
  assert.ok(!out.note?.includes(holderId), 'free text is still searched for card numbers');
  assert.ok(!out.cardNo?.includes(cardRef.slice(2)), 'card number keys are still masked');
});

test('an identifier key holding free text is still searched for card numbers and emails', () => {
  const pan = luhnComplete('411111111111111');
  const out = redactSensitive({ orderNo: `order for ${pan} a@b.example` }) as Record<string, string>;
  assert.ok(!out.orderNo?.includes(pan));
  assert.ok(!out.orderNo?.includes('a@b.example'));
});
