// The providers' own documents (seeds) as test fixtures, read by file and line so that every
// example is the seed's text verbatim. The copies in test/fixtures/seeds/ are byte-for-byte the
// files of ../shared/seeds/ (checked when that folder is present), so the suite runs in any clone.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const KAZEPAY_SEED = '000_7995e95af792985e.txt';
export const WASABI_SEED = '002_7092e48c419df6d6.txt';

const root = join(__dirname, '..', '..', '..');
export const VENDORED_SEEDS = join(root, 'test', 'fixtures', 'seeds');
export const SHARED_SEEDS = join(root, '..', 'shared', 'seeds');

const cache = new Map<string, string[]>();
export function seedLines(file: string): string[] {
  let lines = cache.get(file);
  if (!lines) {
    lines = readFileSync(join(VENDORED_SEEDS, file), 'utf8').split('\n');
    cache.set(file, lines);
  }
  return lines;
}

export function sharedSeedText(file: string): string | undefined {
  const path = join(SHARED_SEEDS, file);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** Opening bracket of a JSON example: a line ending in `{` or `[{` (possibly after a label). */
const OPENER = /(\[?\{)\s*$/;

/**
 * The JSON example that starts on `line` (1-based): from its opening bracket to the bracket that
 * closes it, exactly as printed (newlines kept). Throws if no example starts there.
 */
export function exampleAt(file: string, line: number): string {
  const lines = seedLines(file);
  const first = lines[line - 1];
  const match = first === undefined ? null : OPENER.exec(first);
  if (!first || !match) throw new Error(`${file}:${line}: no JSON example starts here`);
  const start = first.length - match[0].length + match[0].indexOf(match[1]!);
  const out: string[] = [];
  let depth = 0;
  for (let i = line - 1; i < lines.length; i++) {
    const textLine = i === line - 1 ? first.slice(start) : lines[i]!;
    out.push(textLine);
    const withoutStrings = textLine.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    for (const ch of withoutStrings) {
      if (ch === '{' || ch === '[') depth++;
      if (ch === '}' || ch === ']') depth--;
    }
    if (depth <= 0) return out.join('\n');
  }
  throw new Error(`${file}:${line}: the example never closes`);
}

/** Every line on which a JSON example starts, in order (the scan the fixtures are checked against). */
export function exampleStarts(file: string): number[] {
  const lines = seedLines(file);
  const starts: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!OPENER.test(lines[i]!)) continue;
    const line = i + 1;
    starts.push(line);
    i += exampleAt(file, line).split('\n').length - 1;
  }
  return starts;
}

/** A seed example's location, as the table and the failure messages name it. */
export const where = (file: string, line: number) => `${file.slice(0, 3)}:${line}`;

/** Replaces the value of `"key": "<value>"` (first occurrence) in a seed text, keeping everything else. */
export function replaceStringValue(text: string, key: string, value: string): string {
  const pattern = new RegExp(`("${key}"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`);
  if (!pattern.test(text)) throw new Error(`no string field ${key} in the example`);
  return text.replace(pattern, (_m, prefix: string) => `${prefix}${JSON.stringify(value)}`);
}
