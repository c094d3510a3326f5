// The OpenAPI document against the API it describes: it validates as OpenAPI 3.1, no response has
// an empty schema, and every route, called the ways a caller can get it wrong (and right), answers
// only statuses the document declares, with a body its schema accepts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { LifecycleEnv, PNG, uniqueRef } from '../../helpers/lifecycle-env';
import { startDevServerEnv } from '../../helpers/temporal-env';
import type { ApiRoute } from '../../../src/api/openapi';
import { type ApiUnderTest, startApi } from './helpers';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
let api: ApiUnderTest;
before(async () => {
  env = await startDevServerEnv();
  life = await LifecycleEnv.start(env);
  api = await startApi(life);
});
after(async () => {
  await api?.close();
  await life?.close();
  await env?.teardown();
});

const enc = encodeURIComponent;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;
const openApiPath = (route: ApiRoute) => route.path.replace(/:([A-Za-z]+)/g, '{$1}');

/** Calls a route and checks the status is declared and the body matches the declared schema. */
function checker(doc: Doc) {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const seen: string[] = [];
  return {
    seen,
    async call(
      route: ApiRoute,
      path: string,
      body?: unknown,
      options?: Parameters<ApiUnderTest['call']>[3],
    ): Promise<{ status: number; body: unknown }> {
      const answer = await api.call(route.method, path, body, options);
      const operation = doc.paths[openApiPath(route)][route.method.toLowerCase()];
      const declared = operation.responses[String(answer.status)];
      const where = `${route.method} ${path.slice(0, 120)} answered ${answer.status}`;
      assert.ok(
        declared,
        `${where}, not declared (${Object.keys(operation.responses).join(', ')}): ${answer.text.slice(0, 200)}`,
      );
      const schema = declared.content['application/json'].schema;
      if (answer.body !== undefined) {
        const validate = ajv.compile(schema);
        assert.ok(
          validate(answer.body),
          `${where}: ${ajv.errorsText(validate.errors)}: ${answer.text.slice(0, 300)}`,
        );
      }
      seen.push(`${route.method} ${route.path} ${answer.status}`);
      return answer;
    },
  };
}

describe('the OpenAPI document', () => {
  test('validates as OpenAPI 3.1, and no response has an empty schema', async () => {
    const { status, body: doc } = await api.call('GET', '/openapi.json');
    assert.equal(status, 200);
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const validator = new Validator();
    const result = await validator.validate(doc);
    assert.ok(result.valid, JSON.stringify(result.errors, null, 2)?.slice(0, 2000));
    assert.equal(validator.version, '3.1');
    const empty: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths as Record<string, Doc>))
      for (const [method, operation] of Object.entries(operations as Record<string, Doc>))
        for (const [code, response] of Object.entries(operation.responses as Record<string, Doc>)) {
          const schema = response.content?.['application/json']?.schema;
          if (!schema || Object.keys(schema).length === 0) empty.push(`${method} ${path} ${code}`);
        }
    assert.deepEqual(empty, [], 'responses with an empty schema');
    // Starts answer 201 (started) or 200 (existed): both declared with the same answer.
    const kyc = doc.paths['/flows/kyc'].post.responses;
    assert.ok(kyc['201'] && kyc['200'] && kyc['409'] && kyc['413'] && kyc['415'] && kyc['503']);
  });

  test('every route answers only declared statuses, with bodies of the declared shapes', async () => {
    const doc = (await api.call('GET', '/openapi.json')).body;
    const check = checker(doc);
    const routes = api.app.cardflow.routes;
    const route = (method: string, path: string) => {
      const found = routes.find((r) => r.method === method && r.path === path);
      assert.ok(found, `${method} ${path}`);
      return found;
    };

    // Each route the ways a caller gets it wrong: no token, empty body, not JSON, a text body,
    // a path parameter far too long.
    for (const r of routes) {
      const path = r.path
        .replace(':id', enc('kyc:wasabi:nobody'))
        .replace(':provider', 'wasabi')
        .replace(/:[A-Za-z]+/g, 'X1');
      const body = r.method === 'POST' ? {} : undefined;
      await check.call(r, path, body);
      await check.call(r, path, body, { token: null });
      await check.call(r, `${path}${path.includes('?') ? '&' : '?'}limit=x&pageNum=0&wait=maybe`, body);
      if (r.method === 'POST') {
        await check.call(r, path, '{not json');
        await check.call(r, path, 'plain text', { contentType: 'text/plain' });
      }
      if (r.params) await check.call(r, r.path.replace(/:[A-Za-z]+/g, 'a'.repeat(5000)), body);
    }

    // And right: a start answers 201, then 200 for the same request, 409 for other details.
    const start = route('POST', '/flows/card-account');
    const cardRef = uniqueRef('oa-card');
    const account = { provider: 'wasabi', cardRef, customerRef: uniqueRef('oa-cust'), currency: 'USD' };
    const first = await check.call(start, '/flows/card-account', account);
    assert.equal(first.status, 201);
    assert.equal((await check.call(start, '/flows/card-account', account)).status, 200);
    const other = await check.call(start, '/flows/card-account', { ...account, customerRef: 'someone-else' });
    assert.equal(other.status, 409);
    const tooLarge = await check.call(start, '/flows/card-account', `"${'x'.repeat(1024 * 1024)}"`);
    assert.equal(tooLarge.status, 413);
    const id = (first.body as { workflowId: string }).workflowId;
    assert.equal((await check.call(route('GET', '/flows/:id'), `/flows/${enc(id)}`)).status, 200);
    assert.equal((await check.call(route('GET', '/flows'), `/flows?cardRef=${cardRef}`)).status, 200);
    const unfreeze = route('POST', '/card-accounts/:provider/:cardRef/unfreeze');
    assert.equal((await check.call(unfreeze, `/card-accounts/wasabi/${cardRef}/unfreeze`, {})).status, 422);
    const upload = route('POST', '/documents');
    assert.equal((await check.call(upload, '/documents', PNG, { contentType: 'image/png' })).status, 201);
    await life.client.workflow.getHandle(id).terminate('test done');

    const statuses = new Set(check.seen.map((s) => Number(s.split(' ').at(-1))));
    for (const status of [200, 201, 400, 401, 404, 409, 413, 414, 415, 422])
      assert.ok(statuses.has(status), `a ${status} was observed`);
  });
});
