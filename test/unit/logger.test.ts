import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from '../../src/logging/logger';
import { luhnValid, redactText } from '../../src/logging/redaction';

const PAN = '4111111111111111';
const PAN_SPACED = '4111 1111 1111 1111';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger({ level: 'info' }, stream);
  return {
    logger,
    // Without pino's own fields: a short canary (the CVV '837') can turn up inside the timestamp
    // or the pid by chance, a false leak.
    text: () => lines.join('').replace(/"(time|pid|hostname)":("[^"]*"|\d+),?/g, ''),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const canaries = {
  cardNumber: PAN,
  cvv: '837',
  pin: '482915',
  activationCode: 'ACT-99812',
  frontImgBase64: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB',
  firstName: 'Aurelia',
  lastName: 'Quenneville',
  birthday: '1987-03-14',
  mobileNumber: '6598765432',
  email: 'aurelia.q@example.org',
};

test('each sensitive field kind is redacted at the top level', () => {
  const { logger, text, records } = capture();
  logger.info(canaries, 'kyc submitted');
  const out = text();
  for (const [field, value] of Object.entries(canaries)) assert.ok(!out.includes(value), `${field} leaked`);
  const [record] = records();
  assert.equal(record?.cardNumber, '****1111', 'card numbers keep the last four digits only');
  assert.equal(record?.cvv, '[REDACTED]');
});

test('sensitive fields are redacted however deeply nested, in arrays, and under provider spellings', () => {
  const { logger, text, records } = capture();
  logger.info({
    request: {
      body: { ucard: { ...canaries }, holders: [{ first_name: 'Aurelia', Date_Of_Birth: '1987-03-14' }] },
    },
    response: {
      data: {
        cardCvv: '837',
        cardHolderEmail: 'aurelia.q@example.org',
        cardHolderMobileNumber: '6598765432',
      },
    },
  });
  const out = text();
  for (const [field, value] of Object.entries(canaries))
    assert.ok(!out.includes(value), `${field} leaked when nested`);
  assert.ok(!out.includes('Aurelia') && !out.includes('1987-03-14'));
  const record = records()[0] as { request: { body: { ucard: Record<string, unknown> } } };
  assert.equal(record.request.body.ucard.pin, '[REDACTED]');
});

test('card numbers and emails inside free text, messages and errors are masked', () => {
  const { logger, text } = capture();
  logger.warn({ detail: `card ${PAN_SPACED} refused` }, `retrying ${PAN} for aurelia.q@example.org`);
  logger.error({ err: new Error(`provider said: bad card ${PAN}`) }, 'failed');
  const out = text();
  assert.ok(!out.includes(PAN) && !out.includes(PAN_SPACED) && !out.includes('aurelia.q@example.org'));
  assert.match(out, /\*\*\*\*1111/);
  assert.match(out, /provider said: bad card \*\*\*\*1111/, 'the error message survives, masked');
});

test('long digit strings that are not card numbers (19-digit provider ids) are kept', () => {
  const id = '1979009257233215490';
  assert.equal(luhnValid(id), false);
  assert.equal(redactText(`holder ${id}`), `holder ${id}`);
  assert.equal(redactText('amount 100.25 USD'), 'amount 100.25 USD');
});

test('binary buffers are never logged', () => {
  const { logger, text } = capture();
  logger.info({ upload: Buffer.from('%PNG secret document bytes') });
  assert.ok(!text().includes('secret document bytes'));
  assert.match(text(), /\[binary 26 bytes\]/);
});
