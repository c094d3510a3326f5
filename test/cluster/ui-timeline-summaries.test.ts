// What an operator sees first on a flow's page in the pinned Web UI (ui-server 2.54.1): the
// Timeline, which labels each activity with its summary. A WasabiCard deposit runs to the end on
// a real worker and sandbox, its history encrypted with this run's key; headless Chromium opens
// the flow's page and reads the activities' summaries decoded through the codec server. The
// summaries are user metadata: the test also checks they are stored encrypted. Screenshots go to
// test-results/.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium, type Page } from 'playwright-core';
import { loadCodecServerSetup } from '../../src/cli/codec-server-command';
import { type DepositInput, workflowIds } from '../../src/contract';
import { loadCodecKeyring } from '../../src/security/codec-keys';
import { type RunningCodecServer, startCodecServer } from '../../src/security/codec-server';
import { createDataConverter } from '../../src/security/data-converter';
import { ENCRYPTED_ENCODING } from '../../src/security/payload-codec';
import { ensureUiServer, type RunningUiServer, startUiServer } from '../../tools/dev/cluster/ui-server';
import { freePort } from '../../tools/dev/ports';
import { devCodecAuthorizer } from '../../tools/dev/stack';
import { LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { prerequisite } from '../helpers/prerequisites';
import { startDevServerEnv, TEST_NAMESPACE } from '../helpers/temporal-env';
import { openCard, startFlow } from '../helpers/wasabi-flows';

const root = join(__dirname, '..', '..');
const artifacts = join(root, 'test-results');
const run = randomBytes(4).toString('hex');
const codecEnv = {
  CARDFLOW_CODEC_KEYS: `ui-timeline-${run}:${randomBytes(32).toString('base64')}`,
  CARDFLOW_CODEC_SERVER_TOKENS: randomBytes(24).toString('base64url'),
  CARDFLOW_CODEC_SERVER_BIND_ADDRESS: '127.0.0.1:0',
};
const dataConverter = createDataConverter(loadCodecKeyring({ env: codecEnv }).keyring);

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
let codec: RunningCodecServer;
let ui: RunningUiServer;
const stops: Array<() => Promise<unknown>> = [];

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  const install = await ensureUiServer({ onProgress: (line) => console.log(line) });
  env = await startDevServerEnv([], { dataConverter });
  stops.push(() => env.teardown());
  life = await LifecycleEnv.start(env, { dataConverter });
  stops.push(() => life.close());
  const uiUrl = `http://127.0.0.1:${await freePort()}`;
  // The dev stack's codec server: the UI without sign-on calls it from its own origin, no token
  // (tools/dev/stack.ts). ui-sign-on.test.ts covers the same decoding behind sign-on.
  const setup = loadCodecServerSetup({ ...codecEnv, CARDFLOW_CODEC_SERVER_CORS_ORIGINS: uiUrl }, false);
  codec = await startCodecServer({
    ...setup.options,
    authorize: devCodecAuthorizer(setup.options.tokens ?? [], [uiUrl]),
  });
  stops.push(() => codec.close());
  ui = await startUiServer({
    install,
    host: '127.0.0.1',
    port: Number(new URL(uiUrl).port),
    temporalAddress: env.address,
    namespace: TEST_NAMESPACE,
    codecEndpoint: codec.url,
    logFile: join(mkdtempSync(join(tmpdir(), 'cardflow-ui-timeline-')), 'ui-server.log'),
  });
  stops.push(() => ui.stop());
});

after(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
});

/** Every frame's text, whitespace collapsed (the Timeline draws its labels in SVG). */
async function pageText(page: Page): Promise<string> {
  const texts = await Promise.all(
    page.frames().map((frame) =>
      frame
        .locator('body')
        .textContent({ timeout: 1_000 })
        .catch(() => ''),
    ),
  );
  return texts.join('\n').replace(/\s+/g, ' ');
}

test(
  "a finished deposit's Timeline names each step with its decoded summary",
  { timeout: 180_000 },
  async () => {
    const cardNo = await openCard(life, '111002', '10');
    const input: DepositInput = {
      provider: 'wasabi',
      cardRef: cardNo,
      depositRef: uniqueRef('dep'),
      amount: '100.00',
      currency: 'USD',
    };
    const workflowId = workflowIds.cardDeposit('wasabi', cardNo, input.depositRef);
    const handle = await startFlow(life, 'cardDeposit', workflowId, input);
    assert.equal((await handle.result()).outcome, 'SETTLED');

    // What the Timeline should say of the deposit's send: the step, the money, the card.
    const sendSummary = `Send deposit ${input.depositRef} of 100.00 USD to WasabiCard card ${cardNo}`;

    const executablePath = prerequisite('chromium').require();
    const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      await page.goto(`${ui.url}/namespaces/${TEST_NAMESPACE}/workflows/${encodeURIComponent(workflowId)}`);
      const until = Date.now() + 60_000;
      let text = await pageText(page);
      while (!text.includes(sendSummary)) {
        if (Date.now() > until) {
          await page.screenshot({ path: join(artifacts, 'temporal-ui-timeline-failed.png'), fullPage: true });
          const labels = await page.locator('svg text').allTextContents();
          assert.fail(
            `the Timeline does not show "${sendSummary}"; its labels read: ${JSON.stringify(labels)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 500));
        text = await pageText(page);
      }
      await page.screenshot({ path: join(artifacts, 'temporal-ui-timeline-summaries.png'), fullPage: true });
    } finally {
      await browser.close();
    }

    // Stored encrypted: the raw history holds no summary text in the clear.
    const raw = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const scheduled = (raw.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e] : []));
    assert.ok(scheduled.length >= 3, `activities scheduled: ${scheduled.length}`);
    for (const event of scheduled) {
      const summary = event.userMetadata?.summary;
      assert.ok(
        summary?.data?.length,
        `${event.activityTaskScheduledEventAttributes?.activityType?.name}: a summary`,
      );
      assert.equal(Buffer.from(summary.metadata?.encoding ?? []).toString(), ENCRYPTED_ENCODING);
      assert.ok(!Buffer.from(summary.data).toString('latin1').includes(input.depositRef), 'not in the clear');
    }
  },
);
