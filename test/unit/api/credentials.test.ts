// Scoped API credentials without a server: the credentials file format, the token check, the
// `cardflow api credentials new` command (the token is printed once; the file it writes holds the
// hash only), the legacy CARDFLOW_API_TOKENS (every scope, a warning naming the variable) and the
// dev stack's one all-scopes credential.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { apiCommand, apiCredentialsFrom, loadApiSettings } from '../../../src/cli/api-command';
import { ConfigError } from '../../../src/config/env';
import {
  API_SCOPES,
  credentialAuthenticator,
  newCredential,
  parseCredentialLines,
} from '../../../src/security/api-credentials';
import { capturedLogger } from '../../helpers/captured-logger';

const dir = mkdtempSync(join(tmpdir(), 'cardflow-credentials-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** A codec key, so the settings load outside --dev (the API checks every setting at once). */
const KEYS = { CARDFLOW_CODEC_KEYS: `k1:${randomBytes(32).toString('base64')}` };
const LEGACY = 'legacy-token-0123456789abcdefghijklmnopqrstuvwxyz';

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await apiCommand.run(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('credentials new prints the token once and writes only its hash to the file', async () => {
  const file = join(dir, 'credentials.jsonl');
  const first = await cli([
    'credentials',
    'new',
    '--name',
    'ledger-svc',
    '--scopes',
    'flows:read,money:move',
    '--file',
    file,
  ]);
  assert.equal(first.code, 0, first.err);
  const token = /token[^:]*: (\S+)/.exec(first.out)?.[1] ?? '';
  assert.ok(token.length >= 43, 'a token of 32 random bytes');
  const second = await cli([
    'credentials',
    'new',
    '--name',
    'auditor',
    '--scopes',
    'audit:read',
    '--file',
    file,
  ]);
  assert.equal(second.code, 0, second.err);
  const stored = readFileSync(file, 'utf8');
  assert.equal(stored.includes(token), false, 'the token is not in the file');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const credentials = parseCredentialLines(stored);
  assert.deepEqual(
    credentials.map((c) => [c.name, c.scopes]),
    [
      ['ledger-svc', ['flows:read', 'money:move']],
      ['auditor', ['audit:read']],
    ],
  );
  assert.equal(credentials[0]?.sha256, sha256(token));
  // The token the command printed is the one the file's line accepts.
  assert.equal(credentialAuthenticator(credentials)(`Bearer ${token}`)?.name, 'ledger-svc');

  // Without --file: the line to store is printed, with the hash only.
  const printed = await cli(['credentials', 'new', '--name', 'ops', '--scopes', 'outcomes:resolve']);
  const printedToken = /token[^:]*: (\S+)/.exec(printed.out)?.[1] ?? '';
  const line = printed.out.split('\n').find((l) => l.startsWith('{')) ?? '';
  assert.equal(line.includes(printedToken), false);
  assert.equal(parseCredentialLines(line)[0]?.sha256, sha256(printedToken));

  // Mistakes are named, exit 2, and nothing is printed as a token.
  for (const args of [
    ['credentials', 'new', '--name', 'x', '--scopes', 'flows:read,everything'],
    ['credentials', 'new', '--name', 'bad name', '--scopes', 'flows:read'],
    ['credentials', 'new', '--name', 'x'],
    ['credentials', 'rotate'],
  ]) {
    const run = await cli(args);
    assert.equal(run.code, 2, args.join(' '));
    assert.equal(run.out, '');
  }
});

test('the credentials file: each line checked, mistakes named by line without values', () => {
  const { line } = newCredential('a', ['flows:read']);
  assert.equal(parseCredentialLines(`# comment\n\n${line}\n`).length, 1);
  assert.throws(() => parseCredentialLines(`${line}\n${line}`), /line 2: the name a is used twice/);
  assert.throws(
    () => parseCredentialLines('{"name":"b","scopes":["root"],"sha256":"00"}'),
    /line 1: scopes\.0/,
  );
  assert.throws(() => parseCredentialLines('not json'), /line 1: not JSON/);
  const secretish = '{"name":"c","scopes":["flows:read"],"token":"very-secret-value-1234567890"}';
  assert.throws(
    () => parseCredentialLines(secretish),
    (e: Error) => !e.message.includes('very-secret-value') && /line 1/.test(e.message),
  );
});

test('a token matches its own credential only; no or other tokens match none', () => {
  const a = newCredential('a', ['flows:read']);
  const b = newCredential('b', ['money:move']);
  const check = credentialAuthenticator(parseCredentialLines(`${a.line}\n${b.line}`));
  assert.equal(check(`Bearer ${a.token}`)?.name, 'a');
  assert.equal(check(`bearer ${b.token}`)?.name, 'b');
  assert.equal(check(`Bearer ${a.token}x`), undefined);
  assert.equal(check(a.token), undefined);
  assert.equal(check(undefined), undefined);
});

test('CARDFLOW_API_CREDENTIALS configures the API; CARDFLOW_API_TOKENS still works with every scope and a warning', () => {
  const named = newCredential('reader', ['flows:read']);
  const env = { CARDFLOW_API_CREDENTIALS: named.line, CARDFLOW_API_TOKENS: LEGACY, CARDFLOW_DATA_DIR: dir };
  const settings = loadApiSettings({ ...env, ...KEYS }, false);
  const log = capturedLogger();
  const { credentials, source } = apiCredentialsFrom(settings, log.logger);
  assert.deepEqual(
    credentials.map((c) => [c.name, c.scopes.length]),
    [
      ['reader', 1],
      ['token-1', API_SCOPES.length],
    ],
  );
  assert.equal(source, 'CARDFLOW_API_CREDENTIALS, CARDFLOW_API_TOKENS');
  assert.match(log.text(), /CARDFLOW_API_TOKENS is deprecated/);
  assert.equal(log.text().includes(LEGACY), false, 'the warning names the variable, not the token');
  // Both valid at once: a rotation from the legacy token to a named credential has no gap.
  const check = credentialAuthenticator(credentials);
  assert.equal(check(`Bearer ${named.token}`)?.name, 'reader');
  assert.equal(check(`Bearer ${LEGACY}`)?.name, 'token-1');
});

test('outside --dev a credential is required; --dev makes one all-scopes dev credential', () => {
  assert.throws(
    () => loadApiSettings({ ...KEYS, CARDFLOW_DATA_DIR: dir }, false),
    (e: Error) => e instanceof ConfigError && /CARDFLOW_API_CREDENTIALS: required/.test(e.message),
  );
  assert.throws(
    () => loadApiSettings({ ...KEYS, CARDFLOW_API_CREDENTIALS: '{"name":"x"}' }, false),
    (e: Error) => e instanceof ConfigError && /CARDFLOW_API_CREDENTIALS: .*line 1/.test(e.message),
  );
  const devDir = join(dir, 'dev');
  const settings = loadApiSettings({ CARDFLOW_DATA_DIR: devDir }, true);
  const { credentials } = apiCredentialsFrom(settings, capturedLogger().logger);
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0]?.name, 'dev');
  assert.deepEqual(credentials[0]?.scopes, [...API_SCOPES]);
  const token = readFileSync(join(devDir, 'api-token'), 'utf8').trim();
  assert.equal(credentialAuthenticator(credentials)(`Bearer ${token}`)?.name, 'dev');
});
