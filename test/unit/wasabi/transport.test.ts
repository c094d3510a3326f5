import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { WasabiTransport } from '../../../src/providers/wasabi/transport';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
const transport = (requestNumbersAs?: 'number' | 'string', baseUrl = 'http://127.0.0.1:1/') =>
  new WasabiTransport({
    baseUrl,
    apiKey: 'k',
    merchantPrivateKey: privateKey,
    platformPublicKey: publicKey,
    requestNumbersAs,
  });

test('request bodies: amounts and Long ids as exact JSON numbers by default, or as strings; {} when empty', () => {
  const params = {
    cardNo: 'C1',
    merchantOrderNo: 'D12345678901234',
    amount: '15.50',
    holderId: '1979009257233215490',
    clientRemark: undefined,
  };
  assert.equal(
    transport().serialise(params),
    '{"cardNo":"C1","merchantOrderNo":"D12345678901234","amount":15.50,"holderId":1979009257233215490}',
  );
  assert.equal(
    transport('string').serialise(params),
    '{"cardNo":"C1","merchantOrderNo":"D12345678901234","amount":"15.50","holderId":"1979009257233215490"}',
  );
  assert.equal(transport().serialise(undefined), '{}');
  assert.equal(transport().serialise({}), '{}');
});

test('a refused connection (nothing sent) is Retryable', async () => {
  // A port that was free a moment ago: nothing listens there.
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  await assert.rejects(
    transport('number', `http://127.0.0.1:${port}`).call('/merchant/core/mcb/account/info'),
    {
      name: 'ProviderRetryableError',
    },
  );
});
