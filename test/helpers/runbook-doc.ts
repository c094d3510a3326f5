// Reads docs/operations.md the way an operator copies from it: every ```sh block, named by its
// `# step: <name>` line, split into command lines (continuations joined, comments dropped). The
// words are split after the placeholders (`<workflow-id>`) are filled in, with the same POSIX-like
// splitting as the contract page's commands (test/helpers/contract-cli-doc.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shellWords } from './contract-cli-doc';

export const OPERATIONS_DOC_PATH = join(__dirname, '..', '..', 'docs', 'operations.md');

export interface RunbookStep {
  name: string;
  /** The command lines as written, placeholders included. */
  lines: string[];
}

/** Every ```sh block of the page, in page order; a block without its `# step:` line is an error. */
export function runbookSteps(doc = readFileSync(OPERATIONS_DOC_PATH, 'utf8')): RunbookStep[] {
  const steps: RunbookStep[] = [];
  for (const block of doc.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const lines = (block[1] as string)
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    const name = /^# step: ([\w-]+)$/.exec(lines[0] ?? '')?.[1];
    assert.ok(name, `a sh block of docs/operations.md does not start with "# step: <name>": ${lines[0]}`);
    assert.ok(!steps.some((s) => s.name === name), `two sh blocks are named ${name}`);
    steps.push({ name, lines: lines.slice(1).filter((l) => !l.startsWith('#')) });
  }
  return steps;
}

export interface RunbookCommand {
  /** `NAME=value` words before the program: the command's own environment. */
  env: Record<string, string>;
  program: string;
  args: string[];
}

/** A command line with its placeholders replaced, split into environment, program and arguments. */
export function runbookCommand(line: string, placeholders: Record<string, string>): RunbookCommand {
  let filled = line;
  for (const [name, value] of Object.entries(placeholders)) filled = filled.replaceAll(`<${name}>`, value);
  const left = /<[\w-]+>/.exec(filled);
  assert.ok(!left, `no value for the placeholder ${left?.[0]} in: ${line}`);
  const words = shellWords(filled);
  const env: Record<string, string> = {};
  while (words[0] && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const word = words.shift() as string;
    const at = word.indexOf('=');
    env[word.slice(0, at)] = word.slice(at + 1);
  }
  const [program, ...args] = words;
  assert.ok(program, `no command in: ${line}`);
  return { env, program, args };
}
