import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { protobufjs8CopiesUnderTemporal, readNpmLsTree } from '../../scripts/check-protobufjs';

test('the installed tree has exactly one protobufjs 8.x copy under @temporalio/*', () => {
  const copies = protobufjs8CopiesUnderTemporal(readNpmLsTree(join(__dirname, '..', '..')));
  assert.equal(copies.length, 1, `copies: ${copies.join(', ')}`);
});

test('the guard reports a duplicated protobufjs 8.x', () => {
  const duplicated = {
    dependencies: {
      '@temporalio/common': {
        dependencies: { protobufjs: { version: '8.8.1', path: '/p/node_modules/protobufjs' } },
      },
      '@temporalio/proto': {
        dependencies: {
          protobufjs: { version: '8.7.0', path: '/p/node_modules/@temporalio/proto/node_modules/protobufjs' },
        },
      },
      // protobufjs 7 under grpc is a different major and is fine.
      '@grpc/proto-loader': { dependencies: { protobufjs: { version: '7.6.6', path: '/p/x/protobufjs' } } },
    },
  };
  assert.deepEqual(protobufjs8CopiesUnderTemporal(duplicated).sort(), [
    '/p/node_modules/@temporalio/proto/node_modules/protobufjs',
    '/p/node_modules/protobufjs',
  ]);
});
