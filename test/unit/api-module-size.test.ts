// Issue 19's house rule for the two doors, the HTTP API and the typed client: one concern per file,
// so every module under src/api and src/client stays under 400 lines and opens with a comment
// saying what it holds.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');
const MAX_LINES = 400;

const modules = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? modules(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );

for (const door of ['api', 'client'])
  test(`every src/${door} module is under 400 lines and opens with a comment`, () => {
    const files = modules(join(root, 'src', door));
    assert.ok(files.length > 5, `the ${door} modules are found`);
    const tooLong: string[] = [];
    const uncommented: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
      if (lines > MAX_LINES) tooLong.push(`${relative(root, file)}: ${lines} lines`);
      if (!text.startsWith('// ')) uncommented.push(relative(root, file));
    }
    assert.deepEqual(tooLong, [], `modules over ${MAX_LINES} lines`);
    assert.deepEqual(uncommented, [], 'modules without an opening comment');
  });
