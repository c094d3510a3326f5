import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sandboxRequestNos } from '../../../tools/sandbox/kazepay/request-no';

test("the sandbox's webhook requestNos have the seed examples' shape and never repeat", () => {
  const next = sandboxRequestNos(() => new Date('2024-06-28T10:20:08.123Z'));
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const no = next();
    assert.match(no, /^20240628102008\d{8}$/);
    assert.ok(!seen.has(no));
    seen.add(no);
  }
});
