// The dev stack's pure parts: settings, the dev server's command line, port checks, the codec
// authorizer the Web UI relies on, and the demo's summary table.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { summaryTable, type DemoSummary } from '../../tools/demo/run';
import { assertPortsFree, freePort, handOut, isPortFree, PortInUseError } from '../../tools/dev/ports';
import { loadDevStackSettings } from '../../tools/dev/settings';
import { devCodecAuthorizer } from '../../tools/dev/stack';
import { devServerArgs } from '../../tools/dev/temporal-server';
import { ConfigError } from '../../src/config/env';

describe('dev stack settings', () => {
  test('defaults a newcomer gets, and every problem named by variable', () => {
    const s = loadDevStackSettings({});
    assert.deepEqual(
      [s.CARDFLOW_DEV_TEMPORAL_PORT, s.CARDFLOW_DEV_TEMPORAL_UI_PORT, s.CARDFLOW_DEV_API_PORT],
      [7233, 8233, 8080],
    );
    assert.equal(s.CARDFLOW_DEV_TEMPORAL_STORE, 'file');
    assert.equal(s.CARDFLOW_DEV_SANDBOX_TIME_SCALE, 1);
    assert.throws(
      () => loadDevStackSettings({ CARDFLOW_DEV_API_PORT: 'eighty', CARDFLOW_DEV_SANDBOX_TIME_SCALE: '-1' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /CARDFLOW_DEV_API_PORT/.test(error.message) &&
        /CARDFLOW_DEV_SANDBOX_TIME_SCALE/.test(error.message),
    );
  });
});

describe('the dev server command line', () => {
  test('file-backed with WAL, the UI on the codec server, every search attribute', () => {
    const args = devServerArgs({
      port: 17233,
      uiPort: 18233,
      dbFile: '/data/temporal.db',
      sqlitePragmas: ['journal_mode=wal'],
      uiCodecEndpoint: 'http://127.0.0.1:8234',
    });
    const joined = args.join(' ');
    assert.match(joined, /--port 17233 /);
    assert.match(joined, /--ui-port 18233 /);
    assert.match(joined, /--db-filename \/data\/temporal\.db --sqlite-pragma journal_mode=wal/);
    assert.match(joined, /--ui-codec-endpoint http:\/\/127\.0\.0\.1:8234/);
    for (const name of ['CardProvider', 'CardFlow', 'CardState', 'CustomerRef', 'CardRef', 'NotificationKey'])
      assert.ok(args.includes(`${name}=Keyword`), name);
  });

  test('in memory and headless: no file, no UI flags', () => {
    const args = devServerArgs({ uiPort: false, uiCodecEndpoint: 'http://x' });
    assert.ok(args.includes('--headless'));
    assert.ok(!args.includes('--db-filename'));
    assert.ok(!args.includes('--ui-codec-endpoint'));
  });
});

describe('port checks', () => {
  test('free ports handed out in one process are all different (the OS offers a closed port again)', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 300; i++) ports.push(await freePort());
    assert.equal(new Set(ports).size, ports.length);
    assert.equal(handOut(ports[0]!), false, 'a port is handed out once');
  });

  test('a taken port is reported with what wanted it and the setting that moves it', async () => {
    const port = await freePort();
    assert.equal(await isPortFree('127.0.0.1', port), true);
    const server = createServer();
    await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
    try {
      assert.equal(await isPortFree('127.0.0.1', port), false);
      await assert.rejects(
        assertPortsFree([{ what: 'API', host: '127.0.0.1', port, setting: 'CARDFLOW_DEV_API_PORT' }]),
        (error: unknown) =>
          error instanceof PortInUseError &&
          error.message ===
            `port ${port} on 127.0.0.1 (API) is already in use; choose another with CARDFLOW_DEV_API_PORT`,
      );
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});

describe('the dev codec authorizer', () => {
  const authorize = devCodecAuthorizer(['t'.repeat(40)], ['http://127.0.0.1:8233']);
  const from = (origin?: string) => ({ headers: origin ? { origin } : {} });

  test('the Web UI origin without a token, or a valid token from anywhere', () => {
    assert.equal(authorize(undefined, from('http://127.0.0.1:8233')), true);
    assert.equal(authorize(`Bearer ${'t'.repeat(40)}`, from()), true);
  });

  test('refused: another origin, no origin, a wrong token even from the UI origin', () => {
    assert.equal(authorize(undefined, from('http://evil.example')), false);
    assert.equal(authorize(undefined, from()), false);
    assert.equal(authorize('Bearer wrong', from('http://127.0.0.1:8233')), false);
  });
});

describe('the demo summary', () => {
  test('one row per flow; a wrong outcome and an unbalanced ledger are spelled out', () => {
    const summary: DemoSummary = {
      ok: false,
      stack: 'running',
      ms: 12_345,
      flows: [
        {
          workflowId: 'a',
          type: 'cardDeposit',
          provider: 'kazepay',
          outcome: 'SETTLED',
          expected: 'SETTLED',
          ms: 3100,
          label: 'KazePay deposit',
          amounts: 'deposit 40.00 USD',
        },
        {
          workflowId: 'b',
          type: 'cardClosure',
          provider: 'wasabi',
          outcome: 'TimedOut',
          expected: 'CLOSED',
          ms: 900,
          label: 'Wasabi closure',
        },
      ],
      ledgers: { kazepay: true, wasabi: false },
      errors: ['wasabi sandbox ledger does not balance'],
    };
    const text = summaryTable(summary).join('\n');
    assert.match(text, /KazePay deposit\s+kazepay\s+SETTLED\s+3\.1 s\s+deposit 40\.00 USD/);
    assert.match(text, /TimedOut \(expected CLOSED\)/);
    assert.match(text, /WasabiCard NO/);
    assert.match(text, /demo FAILED in 12\.3 s/);
  });
});
