// The committed, PUBLIC test-only codec keyring (test/fixtures/test-only-codec-key.json) and the
// data converter built from it: for tests and recorded test histories only, never a deployment.
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { type CodecKeyring, readKeyringFile } from '../../src/security/codec-keys';
import { createDataConverter } from '../../src/security/data-converter';

export const TEST_ONLY_KEYRING_PATH = join(__dirname, '..', 'fixtures', 'test-only-codec-key.json');

export function testOnlyKeyring(): CodecKeyring {
  return readKeyringFile(TEST_ONLY_KEYRING_PATH);
}

export function testOnlyDataConverter(): DataConverter {
  return createDataConverter(testOnlyKeyring());
}
