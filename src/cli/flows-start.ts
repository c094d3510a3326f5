// `cardflow flows start <type> --input <file|->`: starts any flow from its contract input (JSON),
// checked with the contract's schema before anything is sent (a bad field is named, exit 2), then
// through the typed client, so the id rule and the reuse policy are the client's. Prints the
// workflow id; `--wait` prints the result too.
import { readFile } from 'node:fs/promises';
import { WorkflowFailedError } from '@temporalio/client';
import { isSafeNumber, parse as parseLosslessJson } from 'lossless-json';
import { WORKFLOW_TYPES, type WorkflowType } from '../contract';
import { CardflowInputError, type CardflowClient, checkInput } from '../client';
import { FLOW_TYPES } from '../client/flow-types';
import { type CliIO, UsageError } from './command';

type Start = (
  client: CardflowClient,
  input: never,
) => Promise<{ workflowId: string; result(): Promise<unknown> }>;

/** Each flow type's start on the typed client (its input schema: FLOW_TYPES, the client's table). */
const STARTERS: Record<WorkflowType, Start> = {
  kycVerification: (c, i) => c.startKyc(i),
  physicalCardActivation: (c, i) => c.startActivation(i),
  virtualCardIssuance: (c, i) => c.startIssuance(i),
  cardDeposit: (c, i) => c.startDeposit(i),
  cardClosure: (c, i) => c.startClosure(i),
  cardAccount: (c, i) => c.startCardAccount(i),
};

/** The API's path names for the same flows (POST /flows/<kind>). */
const API_KINDS: Record<string, WorkflowType> = {
  kyc: WORKFLOW_TYPES.kycVerification,
  activation: WORKFLOW_TYPES.physicalCardActivation,
  issuance: WORKFLOW_TYPES.virtualCardIssuance,
  deposit: WORKFLOW_TYPES.cardDeposit,
  closure: WORKFLOW_TYPES.cardClosure,
  'card-account': WORKFLOW_TYPES.cardAccount,
};

export const FLOWS_START_USAGE = 'cardflow flows start <type> --input <file|-> [--wait]';

/** The flow type a name means: a workflow type, or the API's kind. */
export function flowTypeOf(name: string): WorkflowType {
  if (name in STARTERS) return name as WorkflowType;
  const kind = API_KINDS[name];
  if (kind) return kind;
  throw new UsageError(`unknown flow type ${name} (one of ${Object.keys(STARTERS).join(', ')})`);
}

/**
 * JSON with numbers kept exact: a number a double holds exactly stays a number, any other (an
 * amount such as 12.345678901234567891) arrives as its text, as money must.
 */
function parseInputJson(text: string, source: string): unknown {
  try {
    return parseLosslessJson(text, null, (digits) => (isSafeNumber(digits) ? Number(digits) : digits));
  } catch (error) {
    throw new UsageError(`${source} is not JSON (${(error as Error).message})`);
  }
}

async function readInput(path: string, io: CliIO): Promise<unknown> {
  if (path === '-') {
    const text = await (io.readStdin ?? readProcessStdin)();
    return parseInputJson(text, 'stdin');
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseInputJson(text, path);
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The checked input of a start (exit 2 on any mistake): nothing has connected yet. */
export async function startRequest(
  typeName: string,
  inputPath: string,
  io: CliIO,
): Promise<{ type: WorkflowType; input: unknown }> {
  const type = flowTypeOf(typeName);
  const raw = await readInput(inputPath, io);
  try {
    return { type, input: checkInput(type, FLOW_TYPES[type].schema, raw) };
  } catch (error) {
    if (error instanceof CardflowInputError) throw new UsageError(error.message);
    throw error;
  }
}

/** Starts the checked input; with `wait`, prints the result (exit 1 when the flow failed). */
export async function startChecked(
  client: CardflowClient,
  request: { type: WorkflowType; input: unknown },
  wait: boolean,
  io: CliIO,
): Promise<number> {
  const flow = await STARTERS[request.type](client, request.input as never);
  io.out(flow.workflowId);
  if (!wait) return 0;
  try {
    io.out(JSON.stringify(await flow.result(), null, 2));
    return 0;
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    const cause = error.cause as (Error & { type?: string }) | undefined;
    io.err(`${flow.workflowId} failed: ${cause?.type ?? cause?.name ?? 'unknown'}: ${cause?.message ?? ''}`);
    return 1;
  }
}
