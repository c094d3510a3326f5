// docs/contract-cli.md stays true to the contract: every JSON example parses with its workflow's
// input schema, every documented start command carries exactly that JSON, the id the id rule
// gives, the task queue and the id policies the typed client uses, and every update or query it
// names exists with an input its schema accepts. (test/integration/contract-cli.test.ts runs the
// commands against a dev server.)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { z } from 'zod';
import { REUSE_POLICY } from '../../src/client';
import {
  accountDepositSchema,
  activationCodeSchema,
  activationInputSchema,
  cardAccountInputSchema,
  closureInputSchema,
  depositInputSchema,
  issuanceInputSchema,
  kycInputSchema,
  providePinSchema,
  TASK_QUEUE,
  WORKFLOW_TYPES,
  workflowIds,
  type WorkflowType,
} from '../../src/contract';
import {
  CONTRACT_DOC,
  documentedCommands,
  documentedExample,
  documentedExamples,
  option,
  shellWords,
} from '../helpers/contract-cli-doc';

const INPUT: Record<WorkflowType, z.ZodType> = {
  kycVerification: kycInputSchema,
  physicalCardActivation: activationInputSchema,
  virtualCardIssuance: issuanceInputSchema,
  cardDeposit: depositInputSchema,
  cardClosure: closureInputSchema,
  cardAccount: cardAccountInputSchema,
};

type Input = Record<string, string>;
const ID_RULE: Record<WorkflowType, (i: Input) => string> = {
  kycVerification: (i) => workflowIds.kycVerification(i.provider as 'wasabi', i.customerRef as string),
  physicalCardActivation: (i) =>
    workflowIds.physicalCardActivation(i.provider as 'wasabi', i.customerRef!, i.requestRef!),
  virtualCardIssuance: (i) => workflowIds.virtualCardIssuance('wasabi', i.customerRef!, i.requestRef!),
  cardDeposit: (i) => workflowIds.cardDeposit(i.provider as 'wasabi', i.cardRef!, i.depositRef!),
  cardClosure: (i) => workflowIds.cardClosure(i.provider as 'wasabi', i.cardRef!),
  cardAccount: (i) => workflowIds.cardAccount(i.provider as 'wasabi', i.cardRef!),
};

/** Updates per type, with the schema of their argument (null: no argument). */
const UPDATES: Partial<Record<WorkflowType, Record<string, z.ZodType | null>>> = {
  physicalCardActivation: { submitActivationCode: activationCodeSchema, providePin: providePinSchema },
  cardAccount: { deposit: accountDepositSchema, freeze: null, unfreeze: null, close: null },
};
const QUERIES: Partial<Record<WorkflowType, string[]>> = { kycVerification: ['state', 'kycUrl'] };

/** The CLI's spelling of the client's reuse policies. */
const CLI_REUSE: Record<string, string> = {
  ALLOW_DUPLICATE_FAILED_ONLY: 'AllowDuplicateFailedOnly',
  REJECT_DUPLICATE: 'RejectDuplicate',
};

const isType = (t: string): t is WorkflowType => Object.values(WORKFLOW_TYPES).includes(t as WorkflowType);
/** Placeholders a reader replaces (`pin_…`, `doc_7f3a…`) are not checked against value rules. */
const placeholder = (text: string) => text.includes('…');

describe('docs/contract-cli.md', () => {
  test('the shell splitter reads quoting as a shell does', () => {
    assert.deepEqual(shellWords(`temporal workflow start --input '{"a": "b c"}'  --x y`), [
      'temporal',
      'workflow',
      'start',
      '--input',
      '{"a": "b c"}',
      '--x',
      'y',
    ]);
    assert.throws(() => shellWords('temporal --input $(cat x)'), /unsupported shell syntax/);
  });

  test('every JSON example parses with its workflow type input schema', () => {
    const examples = documentedExamples();
    const types = new Set<string>();
    for (const { name, json } of examples) {
      const type = name.split('-')[0] as string;
      assert.ok(isType(type), `example ${name}: unknown workflow type`);
      types.add(type);
      const parsed = INPUT[type].safeParse(json);
      assert.ok(parsed.success, `example ${name}: ${parsed.error?.message}`);
    }
    assert.deepEqual([...types].sort(), Object.values(WORKFLOW_TYPES).sort(), 'one example per type');
  });

  test('every start command carries its example, its id rule, the task queue and the client id policies', () => {
    const starts = documentedCommands().filter((c) => c.args[0] === 'workflow' && c.args[1] === 'start');
    assert.deepEqual(starts.map((c) => c.type).sort(), Object.values(WORKFLOW_TYPES).sort());
    for (const { args, type, example } of starts) {
      assert.ok(isType(type), type);
      assert.ok(example?.startsWith(type), `${type}: the command follows its example (${example})`);
      if (!example) continue;
      const input = JSON.parse(option(args, '--input') ?? 'null') as Input;
      assert.deepEqual(input, documentedExample(example), `${type}: --input is the example`);
      assert.ok(INPUT[type].safeParse(input).success, `${type}: --input parses`);
      assert.equal(option(args, '--workflow-id'), ID_RULE[type](input), `${type}: the id rule`);
      assert.equal(option(args, '--task-queue'), TASK_QUEUE);
      assert.equal(option(args, '--id-conflict-policy'), 'UseExisting', type);
      assert.equal(
        option(args, '--id-reuse-policy'),
        CLI_REUSE[String(REUSE_POLICY[type])],
        `${type}: reuse policy`,
      );
    }
  });

  test('every update and query a command names exists, on the id of its block, with an input its schema accepts', () => {
    const commands = documentedCommands();
    const startIds = new Map(
      commands
        .filter((c) => c.args[1] === 'start')
        .map((c) => [c.type, option(c.args, '--workflow-id') as string]),
    );
    let checked = 0;
    for (const { args, type } of commands) {
      if (args[1] === 'start') continue;
      assert.ok(isType(type));
      assert.equal(option(args, '--workflow-id'), startIds.get(type), `${args.join(' ')}: same workflow`);
      const name = option(args, '--name');
      if (args[1] === 'update') {
        assert.deepEqual(args.slice(0, 3), ['workflow', 'update', 'execute']);
        const updates = UPDATES[type] ?? {};
        assert.ok(name && name in updates, `${type} has no update ${name}`);
        const schema = updates[name];
        const raw = option(args, '--input');
        if (schema === null) assert.equal(raw, undefined, `${name} takes no argument`);
        else if (!placeholder(raw ?? ''))
          assert.ok(schema?.safeParse(JSON.parse(raw ?? 'null')).success, `${name} --input ${raw}`);
      } else if (args[1] === 'query') {
        assert.ok(name && (QUERIES[type] ?? ['state']).includes(name), `${type} has no query ${name}`);
      } else assert.deepEqual(args.slice(0, 2), ['workflow', 'result'], args.join(' '));
      checked++;
    }
    assert.ok(checked >= 6, `${checked} message commands`);
  });

  test('the page says what the checks are', () => {
    assert.match(CONTRACT_DOC, /test\/unit\/contract-cli-doc\.test\.ts/);
    assert.match(CONTRACT_DOC, /test\/integration\/contract-cli\.test\.ts/);
  });
});
