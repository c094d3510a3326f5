// The chaos and cluster drivers' API client notes the answers the API must never give while
// Temporal is in trouble: a 5xx other than 503, a 503 without Retry-After, a 404 for a flow the
// driver started. A real HTTP server answers each case.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { PatientApi } from '../../../tools/chaos/lifecycles';

let server: Server;
let url: string;
let busyCalls = 0;

before(async () => {
  server = createServer((request, response) => {
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    const path = request.url ?? '';
    if (request.method === 'POST' && path === '/flows/kyc')
      return json(200, { workflowId: 'kyc:kazepay:c1' });
    if (path.startsWith('/flows/')) return json(404, { error: 'not_found' });
    if (path === '/boom') return json(500, { error: 'internal' });
    if (path === '/polite') return json(busyCalls++ === 0 ? 503 : 200, {}, { 'retry-after': '5' });
    if (path === '/busy') return json(busyCalls++ === 0 ? 503 : 200, {});
    return json(200, {});
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((done) => server.close(() => done())));

test('a 404 for a flow it started is a wrong answer; for another flow it is not', async () => {
  const api = new PatientApi(url, 'token', 2_000);
  await api.call('GET', `/flows/${encodeURIComponent('kyc:kazepay:c1')}`);
  assert.deepEqual(api.wrongAnswers, [], 'not started yet');
  await api.call('POST', '/flows/kyc', {});
  await api.call('GET', `/flows/${encodeURIComponent('kyc:kazepay:c1')}`);
  await api.call('POST', `/flows/${encodeURIComponent('kyc:kazepay:c1')}/activation-code`, {});
  await api.call('GET', `/flows/${encodeURIComponent('kyc:kazepay:other')}`);
  assert.deepEqual(api.wrongAnswers, [
    'GET /flows/:id 404 for a flow it started',
    'POST /flows/:id/activation-code 404 for a flow it started',
  ]);
});

test('a 500 is a wrong answer; a 503 with Retry-After is retried and is not', async () => {
  const api = new PatientApi(url, 'token', 2_000);
  assert.equal((await api.call('GET', '/boom')).status, 500);
  busyCalls = 0;
  assert.equal((await api.call('GET', '/polite')).status, 200);
  assert.equal(api.retried, 1);
  assert.deepEqual(api.wrongAnswers, ['GET /boom 500']);
});

test('a 503 without Retry-After is a wrong answer (still retried)', async () => {
  const api = new PatientApi(url, 'token', 2_000);
  busyCalls = 0;
  assert.equal((await api.call('GET', '/busy')).status, 200);
  assert.deepEqual(api.wrongAnswers, ['GET /busy 503 without Retry-After']);
});
