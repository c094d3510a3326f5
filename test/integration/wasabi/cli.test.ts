// `cardflow sandbox wasabi` and `cardflow provider wasabi` together, as an operator would use them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../../tools/cli/main';
import { runWasabiProviderCommand } from '../../../src/cli/providers/wasabi';
import { runWasabiSandboxCommand } from '../../../tools/sandbox/wasabi/cli';
import { eventually, orderNo } from './helpers';

test('the standalone sandbox prints its settings; the ops command calls it with them, masked unless --reveal', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wasabi-cli-'));
  const lines: string[] = [];
  let stop!: () => void;
  const until = new Promise<void>((r) => (stop = r));
  const running = runWasabiSandboxCommand(
    ['--port', '0', '--data-dir', dataDir, '--time-scale', '0.01'],
    { out: (l) => lines.push(l), err: (l) => lines.push(l) },
    { CARDFLOW_LOG_LEVEL: 'silent' },
    until,
  );
  try {
    await eventually(() => lines.some((l) => l.includes('WASABI_MERCHANT_PRIVATE_KEY_FILE')));
    const setting = (name: string) =>
      lines
        .find((l) => l.trim().startsWith(`${name}=`))!
        .trim()
        .split('=')[1]!;
    const env = {
      WASABI_BASE_URL: setting('WASABI_BASE_URL'),
      WASABI_API_KEY_FILE: setting('WASABI_API_KEY_FILE'),
      WASABI_PLATFORM_PUBLIC_KEY_FILE: setting('WASABI_PLATFORM_PUBLIC_KEY_FILE'),
      WASABI_MERCHANT_PRIVATE_KEY_FILE: setting('WASABI_MERCHANT_PRIVATE_KEY_FILE'),
    };
    assert.ok(lines.some((l) => l.startsWith('api key: ')));
    const call = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runWasabiProviderCommand(
        args,
        { out: (l) => out.push(l), err: (l) => err.push(l) },
        env,
      );
      return { code, out: out.join('\n'), err: err.join('\n') };
    };

    const created = await call(
      'card/v2/createCard',
      '--body',
      JSON.stringify({ merchantOrderNo: orderNo('C'), cardTypeId: 111002, amount: 20 }),
    );
    assert.equal(created.code, 0, created.err);
    const cardNo = (JSON.parse(created.out) as { data: { cardNo: string } }).data.cardNo;
    assert.ok(cardNo, 'the provider card id stays visible for the next call');
    await eventually(async () =>
      (await call('/merchant/core/mcb/card/info', '--body', JSON.stringify({ cardNo }))).out.includes(
        '"Normal"',
      ),
    );

    const masked = await call('/merchant/core/mcb/card/sensitive', '--body', JSON.stringify({ cardNo }));
    assert.equal(masked.code, 0);
    const maskedData = (JSON.parse(masked.out) as { data: Record<string, string> }).data;
    assert.match(maskedData.cardNumber!, /^\*\*\*\*\d{4}$/);
    assert.equal(maskedData.cvv, '[REDACTED]');
    assert.equal(maskedData.expireDate, '[REDACTED]');
    const revealed = await call(
      '/merchant/core/mcb/card/sensitive',
      '--body',
      JSON.stringify({ cardNo }),
      '--reveal',
    );
    const data = (JSON.parse(revealed.out) as { data: Record<string, string> }).data;
    assert.match(data.cardNumber!, /^\d{16}$/);
    assert.ok(data.cardNumber!.endsWith(maskedData.cardNumber!.slice(-4)));
    assert.match(data.cvv!, /^\d{3}$/);

    const invalid = await call(
      'card/deposit',
      '--body',
      JSON.stringify({ cardNo, merchantOrderNo: 'x', amount: 1 }),
    );
    assert.equal(invalid.code, 2);
    assert.match(invalid.err, /merchantOrderNo: length 20\.\.35/);

    const noPath = await call('--body', '{}');
    assert.equal(noPath.code, 2);
    assert.match(noPath.err, /exactly one path expected[\s\S]*usage: cardflow provider wasabi/);

    const viaRegistry: string[] = [];
    assert.equal(
      await runCli(['sandbox', 'nope'], { out: (l) => viaRegistry.push(l), err: (l) => viaRegistry.push(l) }),
      2,
    );
    assert.match(viaRegistry.join('\n'), /kazepay\|wasabi|wasabi/);
  } finally {
    stop();
    assert.equal(await running, 0);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
