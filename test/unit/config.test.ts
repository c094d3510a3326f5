import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { loadCoreConfig } from '../../src/config/engine';
import { ConfigError, envValue, parseEnv } from '../../src/config/env';

test('defaults apply when nothing is set', () => {
  const { core, worker } = loadCoreConfig({});
  assert.equal(core.CARDFLOW_LOG_LEVEL, 'info');
  assert.equal(core.CARDFLOW_DATA_DIR, '.data');
  assert.equal(worker.CARDFLOW_WORKER_SHUTDOWN_GRACE, 30_000);
});

test('typed values parse: durations, integers, booleans', () => {
  const { worker } = loadCoreConfig({
    CARDFLOW_WORKER_SHUTDOWN_GRACE: '2m',
    CARDFLOW_WORKER_MAX_CACHED_WORKFLOWS: '25',
  });
  assert.equal(worker.CARDFLOW_WORKER_SHUTDOWN_GRACE, 120_000);
  assert.equal(worker.CARDFLOW_WORKER_MAX_CACHED_WORKFLOWS, 25);
  assert.deepEqual(parseEnv({ s: z.object({ FLAG: envValue.bool() }) }, { FLAG: '1' }), {
    s: { FLAG: true },
  });
});

test('one error lists every bad variable by name, across sections, without echoing values', () => {
  const err = (() => {
    try {
      parseEnv(
        {
          core: z.object({
            CARDFLOW_LOG_LEVEL: z.enum(['info', 'debug']),
            CARDFLOW_DATA_DIR: envValue.string(),
          }),
          provider: z.object({ SECRET_KEY: envValue.string(), PORT: envValue.int(1, 65535) }),
        },
        { CARDFLOW_LOG_LEVEL: 'loud', PORT: '70000', SECRET_KEY: undefined },
      );
    } catch (e) {
      return e;
    }
    assert.fail('expected a ConfigError');
  })();
  assert.ok(err instanceof ConfigError);
  assert.equal(err.problems.length, 4);
  for (const name of ['CARDFLOW_LOG_LEVEL', 'CARDFLOW_DATA_DIR', 'SECRET_KEY', 'PORT']) {
    assert.match(err.message, new RegExp(`^  ${name}: `, 'm'), `${name} named`);
  }
  assert.doesNotMatch(err.message, /loud|70000/);
});

test('the core loader reports every bad engine variable at once', () => {
  assert.throws(
    () =>
      loadCoreConfig({
        CARDFLOW_LOG_LEVEL: 'verbose',
        CARDFLOW_METRICS_BIND_ADDRESS: 'not an address',
        CARDFLOW_WORKER_SHUTDOWN_GRACE: 'soon',
        CARDFLOW_WORKER_MAX_CONCURRENT_ACTIVITIES: '0',
      }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.problems.length === 4 &&
      [
        'CARDFLOW_LOG_LEVEL',
        'CARDFLOW_METRICS_BIND_ADDRESS',
        'CARDFLOW_WORKER_SHUTDOWN_GRACE',
        'CARDFLOW_WORKER_MAX_CONCURRENT_ACTIVITIES',
      ].every((n) => e.message.includes(n)),
  );
});

test('NAME_FILE reads a secret from a file; setting both NAME and NAME_FILE is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cardflow-config-'));
  const file = join(dir, 'key');
  writeFileSync(file, 'from-file\n');
  const schema = { s: z.object({ API_KEY: envValue.string() }) };
  assert.deepEqual(parseEnv(schema, { API_KEY_FILE: file }), { s: { API_KEY: 'from-file' } });
  assert.throws(
    () => parseEnv(schema, { API_KEY: 'x', API_KEY_FILE: file }),
    /API_KEY: set either API_KEY or API_KEY_FILE/,
  );
  assert.throws(() => parseEnv(schema, { API_KEY_FILE: join(dir, 'missing') }), /API_KEY_FILE: cannot read/);
});

test('durations read days too (document retention is counted in days)', () => {
  const schema = z.object({ AGE: envValue.durationMs() });
  assert.equal(parseEnv({ s: schema }, { AGE: '30d' }).s.AGE, 30 * 86_400_000);
  assert.equal(parseEnv({ s: schema }, { AGE: '250ms' }).s.AGE, 250);
  assert.throws(
    () => parseEnv({ s: schema }, { AGE: '3w' }),
    /AGE: expected a duration such as 250ms, 30s, 5m, 2h or 30d/,
  );
});
