import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { signWasabi } from '../../../src/providers/wasabi/signature';
import { InMemoryDedupeStore } from '../../../src/providers/webhook-dedupe';
import {
  createWasabiWebhookHandler,
  WASABI_WEBHOOK_ACK,
  WASABI_WEBHOOK_ACK_CN,
} from '../../../src/providers/wasabi/webhooks';
import * as seed from '../../fixtures/wasabi/seed-examples';

const platform = generateKeyPairSync('rsa', { modulusLength: 1024 });
const publicPem = platform.publicKey.export({ format: 'pem', type: 'spki' }).toString();

// A card_transaction body exactly as a provider might format it (spacing and a 19-digit number).
const ORDER =
  '{"orderNo":1852379830190366720, "merchantOrderNo":"T1852379826671345664","cardNo":"38928421021320391244","currency":"USD","amount":15,"fee":"0.15","receivedAmount":"15","receivedCurrency":"USD","type":"deposit","status":"success","remark":"Card Deposit","transactionTime":1730476742000}';

const delivery = (
  body: string,
  category: string,
  requestId: string,
  signature = signWasabi(body, platform.privateKey),
) => ({
  headers: {
    'content-type': 'application/json',
    'x-wsb-category': category,
    'x-wsb-signature': signature,
    'x-wsb-request-id': requestId,
  },
  rawBody: Buffer.from(body),
});

describe('webhook verification', () => {
  test('a signed notification is verified over its raw bytes, parsed and acknowledged exactly', async () => {
    const handle = createWasabiWebhookHandler({ platformPublicKey: publicPem });
    const result = await handle(delivery(ORDER, 'card_transaction', 'r1'));
    assert.equal(result.outcome, 'accepted');
    if (result.outcome !== 'accepted') return;
    assert.equal(result.duplicate, false);
    assert.equal(result.response.status, 200);
    assert.equal(result.response.body, '{"success":true,"code":200,"msg":null,"data":null}');
    assert.equal(result.event?.category, 'card_transaction');
    const payload = result.event?.payload as { orderNo: string; amount: string; fee: string };
    assert.equal(payload.orderNo, '1852379830190366720');
    assert.equal(payload.amount, '15');
    assert.equal(result.businessKey, 'card_transaction|1852379830190366720|success');
  });

  test('the body altered by one byte, a missing or foreign signature: refused with 401, never acknowledged', async () => {
    const handle = createWasabiWebhookHandler({ platformPublicKey: publicPem });
    const good = delivery(ORDER, 'card_transaction', 'r1');
    const altered = Buffer.from(ORDER.replace('"fee":"0.15"', '"fee":"0.16"'));
    assert.equal(altered.length, good.rawBody.length);
    for (const request of [
      { ...good, rawBody: altered },
      { ...good, headers: { ...good.headers, 'x-wsb-signature': '' } },
      delivery(
        ORDER,
        'card_transaction',
        'r1',
        signWasabi(ORDER, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey),
      ),
    ]) {
      const result = await handle(request);
      assert.equal(result.outcome, 'refused');
      assert.equal(result.response.status, 401);
      assert.notEqual(result.response.body, WASABI_WEBHOOK_ACK);
    }
  });

  test('deduplicates on X-WSB-REQUEST-ID and on business key + status; release lets a retry through', async () => {
    const handle = createWasabiWebhookHandler({
      platformPublicKey: publicPem,
      dedupe: new InMemoryDedupeStore(),
    });
    const first = await handle(delivery(ORDER, 'card_transaction', 'r1'));
    if (first.outcome === 'accepted') await first.settle();
    const sameId = await handle(delivery(ORDER, 'card_transaction', 'r1'));
    const newIdSameRecord = await handle(delivery(ORDER, 'card_transaction', 'r2'));
    const nextStatus = await handle(delivery(ORDER.replace('"success"', '"fail"'), 'card_transaction', 'r3'));
    // While nextStatus is being handled, a copy is not a duplicate: it must come again later.
    const copyInFlight = await handle(
      delivery(ORDER.replace('"success"', '"fail"'), 'card_transaction', 'r4'),
    );
    assert.ok(copyInFlight.outcome === 'accepted' && copyInFlight.inFlight && !copyInFlight.duplicate);
    assert.deepEqual(
      [first, sameId, newIdSameRecord, nextStatus].map((r) => r.outcome === 'accepted' && r.duplicate),
      [false, true, true, false],
    );
    assert.ok(
      sameId.outcome === 'accepted' && sameId.response.body === WASABI_WEBHOOK_ACK,
      'duplicates are acknowledged',
    );
    // Acting on the event failed: release, and the provider's retry is processed again.
    if (nextStatus.outcome === 'accepted') await nextStatus.release();
    const retry = await handle(delivery(ORDER.replace('"success"', '"fail"'), 'card_transaction', 'r3'));
    assert.ok(retry.outcome === 'accepted' && !retry.duplicate);
  });

  test('every category of spec 1.4 parses; card_3ds_transaction is read as card_3ds', async () => {
    const handle = createWasabiWebhookHandler({ platformPublicKey: publicPem });
    const auth = JSON.stringify(
      (JSON.parse(seed.authTransaction) as { data: { records: unknown[] } }).data.records[0],
    );
    const bodies: Array<[string, string]> = [
      ['card_auth_transaction', auth],
      [
        'card_fee_patch',
        '{"cardNo":"C1","tradeNo":"9001","originTradeNo":"9000","currency":"USD","amount":0.2,"type":"card_patch_fee","deductionSourceFunds":"wallet","status":"success","transactionTime":1730476742000}',
      ],
      ['card_3ds', seed.threeDsOtp],
      ['card_3ds_transaction', seed.threeDsAuthUrl],
      [
        'card_holder',
        '{"holderId":1979009257233215490,"merchantOrderNo":"H1234567890123456789","cardTypeId":111065,"statusFlowLocation":"channel","status":"pass_audit","description":null}',
      ],
      [
        'card_holder_change_email',
        '{"holderId":10090,"merchantOrderNo":"E1234567890123456789","orderNo":"1852379830190366721","status":"success"}',
      ],
      [
        'physical_card',
        '{"cardNo":"C1","merchantOrderNo":"A12345678901234","type":"card_activated","status":"success","remark":null}',
      ],
      ['work', '{"orderNo":"77","merchantOrderNo":"W1","tradeStatus":"success"}'],
      [
        'wallet_transaction',
        '{"orderNo":"78","type":"chain_deposit","status":"success","receivedAmount":"100"}',
      ],
      [
        'wallet_transaction_v2',
        '{"orderNo":"79","type":"DEPOSIT","status":"success","receivedAmount":100.5}',
      ],
    ];
    for (const [category, body] of bodies) {
      const result = await handle(delivery(body, category, `id-${category}`));
      assert.equal(result.outcome, 'accepted', category);
      if (result.outcome === 'accepted') {
        assert.equal(result.category, category === 'card_3ds_transaction' ? 'card_3ds' : category);
        assert.ok(result.event, `${category} parsed`);
      }
    }
    const holder = await handle(delivery(bodies[4]![1], 'card_holder', 'again'));
    assert.ok(
      holder.outcome === 'accepted' &&
        holder.businessKey === 'card_holder|1979009257233215490|pass_audit|channel',
    );
  });

  test('unknown categories are acknowledged and kept raw; signed garbage is refused with 400', async () => {
    const handle = createWasabiWebhookHandler({ platformPublicKey: publicPem, ackVariant: 'chinese-doc' });
    const unknown = await handle(delivery('{"x":1}', 'brand_new_category', 'u1'));
    assert.ok(unknown.outcome === 'accepted' && unknown.event === null);
    assert.equal(unknown.response.body, WASABI_WEBHOOK_ACK_CN);
    const garbage = await handle(delivery('not json', 'card_transaction', 'g1'));
    assert.ok(
      garbage.outcome === 'refused' && garbage.reason === 'malformed' && garbage.response.status === 400,
    );
    const wrongShape = await handle(delivery('{"orderNo":"1"}', 'card_transaction', 'g2'));
    assert.ok(wrongShape.outcome === 'refused' && wrongShape.reason === 'malformed');
  });
});
