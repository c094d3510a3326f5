// Reads docs/contract-cli.md the way a reader copies from it: the JSON examples (each marked with
// `<!-- example: <name> -->` just before its ```json block) and the `temporal` command lines of
// the ```sh blocks, split into arguments as a POSIX shell would (continuation lines joined,
// single-quoted arguments kept whole).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CONTRACT_DOC_PATH = join(__dirname, '..', '..', 'docs', 'contract-cli.md');
export const CONTRACT_DOC = readFileSync(CONTRACT_DOC_PATH, 'utf8');

export interface DocExample {
  name: string;
  json: Record<string, unknown>;
}

/** Every marked JSON example, in page order. */
export function documentedExamples(doc = CONTRACT_DOC): DocExample[] {
  const out: DocExample[] = [];
  for (const m of doc.matchAll(/<!-- example: ([\w-]+) -->\s*```json\n([\s\S]*?)```/g))
    out.push({ name: m[1] as string, json: JSON.parse(m[2] as string) as Record<string, unknown> });
  return out;
}

export function documentedExample(name: string, doc = CONTRACT_DOC): Record<string, unknown> {
  const found = documentedExamples(doc).find((e) => e.name === name);
  assert.ok(found, `docs/contract-cli.md has no example ${name}`);
  return found.json;
}

/** Splits one command line into arguments: whitespace separates, '…' quotes (no escapes inside). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      assert.ok(end > i, `unterminated quote in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      assert.ok(!`"\\$\`;|&<>(){}*?`.includes(c), `unsupported shell syntax ${c} in: ${line}`);
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

export interface DocCommand {
  /** The arguments after `temporal`. */
  args: string[];
  /** The `--type` of the start command of the block this command belongs to. */
  type: string;
  /** The JSON example the block follows (the last marked example before it), if any. */
  example?: string;
}

/** Every `temporal …` command of the ```sh blocks, grouped by the workflow type its block starts. */
export function documentedCommands(doc = CONTRACT_DOC): DocCommand[] {
  const out: DocCommand[] = [];
  for (const block of doc.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const before = doc.slice(0, block.index);
    const example = [...before.matchAll(/<!-- example: ([\w-]+) -->/g)].pop()?.[1];
    const lines = (block[1] as string).replace(/\\\n\s*/g, ' ').split('\n');
    const commands = lines.filter((l) => l.startsWith('temporal ')).map((l) => shellWords(l).slice(1));
    const start = commands.find((c) => c[0] === 'workflow' && c[1] === 'start');
    if (!start) continue;
    const type = option(start, '--type');
    assert.ok(type, 'a start command names its --type');
    for (const args of commands) out.push({ args, type, ...(example ? { example } : {}) });
  }
  return out;
}

/** The value of `--name value` in a command's arguments. */
export function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The arguments with every occurrence of each key replaced by its value (ids, refs, placeholders). */
export function substitute(args: string[], replacements: Record<string, string>): string[] {
  return args.map((a) => Object.entries(replacements).reduce((s, [from, to]) => s.replaceAll(from, to), a));
}
