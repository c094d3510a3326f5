// What a test does when something `npm test` needs from outside node_modules is missing
// (test/helpers/prerequisites.ts): it fails naming the install command, unless opted out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prerequisite } from '../helpers/prerequisites';

const none = () => undefined;

test('installed: no skip, require() gives the path', () => {
  const redis = prerequisite('redis', {}, () => '/usr/bin/redis-server');
  assert.equal(redis.skip, false);
  assert.equal(redis.require(), '/usr/bin/redis-server');
});

test('missing and not opted out: no skip, require() fails naming the install command and the opt-out', () => {
  const redis = prerequisite('redis', {}, none);
  assert.equal(redis.skip, false);
  assert.throws(
    () => redis.require(),
    /redis-server is not installed: run bash scripts\/install-redis\.sh.*CARDFLOW_SKIP_REDIS=1/,
  );
  const chromium = prerequisite('chromium', { CARDFLOW_SKIP_REDIS: '1' }, none);
  assert.equal(chromium.skip, false, "another prerequisite's opt-out does not count");
  assert.throws(
    () => chromium.require(),
    /Chromium is not installed: run bash scripts\/install-chromium\.sh/,
  );
});

test('missing and opted out: skipped, with the reason', () => {
  const chromium = prerequisite('chromium', { CARDFLOW_SKIP_CHROMIUM: '1' }, none);
  assert.match(String(chromium.skip), /Chromium is not installed and CARDFLOW_SKIP_CHROMIUM=1/);
  assert.equal(prerequisite('redis', { CARDFLOW_SKIP_REDIS: 'yes' }, none).skip, false, 'only =1 opts out');
});

test('in CI an opt-out is refused: the test fails', () => {
  const redis = prerequisite('redis', { CARDFLOW_SKIP_REDIS: '1', CI: 'true' }, none);
  assert.equal(redis.skip, false);
  assert.throws(
    () => redis.require(),
    /CARDFLOW_SKIP_REDIS=1 is not honoured in CI: run bash scripts\/install-redis\.sh/,
  );
});

test('the shared seeds missing: the seed check fails naming where they belong, never a silent skip', () => {
  const seeds = prerequisite('sharedSeeds', { CI: 'true' }, none);
  assert.equal(seeds.skip, false);
  assert.throws(
    () => seeds.require(),
    /\.\.\/shared\/seeds is not beside this clone: place the shared folder/,
  );
  const optedOut = prerequisite('sharedSeeds', { CARDFLOW_SKIP_SHARED_SEEDS: '1' }, none);
  assert.match(String(optedOut.skip), /is not beside this clone and CARDFLOW_SKIP_SHARED_SEEDS=1/);
});
