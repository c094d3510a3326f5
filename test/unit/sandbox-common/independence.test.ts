// The sandboxes must not share the clients' assumptions (issue 16): nothing under tools/sandbox may
// import from src/providers except the PEM/DER key loader (a pure format helper), and each such
// import must say why on the line above it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const root = resolve(__dirname, '..', '..', '..');
const sandboxDir = join(root, 'tools', 'sandbox');
const providersDir = join(root, 'src', 'providers');
/** The one shared module allowed: key loading (PEM / bare base64 DER), not a provider assumption. */
const ALLOWED = new Set(['keys']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|cts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

interface ProviderImport {
  file: string;
  line: number;
  module: string;
  commentAbove: boolean;
}

/** Static imports, re-exports, dynamic imports and requires whose target lies in src/providers. */
function providerImports(file: string): ProviderImport[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found: ProviderImport[] = [];
  const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/g;
  lines.forEach((text, index) => {
    for (const match of text.matchAll(specifier)) {
      const target = match[1]!;
      if (!target.startsWith('.')) continue;
      const resolved = resolve(dirname(file), target);
      const inProviders = relative(providersDir, resolved);
      if (inProviders.startsWith('..') || inProviders === resolved) continue;
      found.push({
        file: relative(root, file),
        line: index + 1,
        module: inProviders.replace(/\\/g, '/').replace(/\.(ts|js)$/, ''),
        commentAbove: /^\s*\/\//.test(lines[index - 1] ?? ''),
      });
    }
  });
  return found;
}

const imports = sourceFiles(sandboxDir).flatMap(providerImports);

test('tools/sandbox imports nothing from src/providers but the key loader', () => {
  const offending = imports
    .filter((i) => !ALLOWED.has(i.module))
    .map((i) => `${i.file}:${i.line} imports providers/${i.module}`);
  assert.deepEqual(offending, [], `shared client code in the sandboxes:\n${offending.join('\n')}`);
});

test('each remaining key-loader import says on the line above why it is not a shared assumption', () => {
  const silent = imports
    .filter((i) => ALLOWED.has(i.module) && !i.commentAbove)
    .map((i) => `${i.file}:${i.line}`);
  assert.deepEqual(silent, [], `key-loader imports without a reason:\n${silent.join('\n')}`);
});

test('the walk sees the sandboxes (a guard against a test that cannot fail)', () => {
  const files = sourceFiles(sandboxDir).map((f) => relative(sandboxDir, f));
  assert.ok(files.includes(join('wasabi', 'server.ts')) && files.includes(join('kazepay', 'server.ts')));
  assert.ok(
    imports.some((i) => i.module === 'keys'),
    'the known key-loader imports are found',
  );
});
