// `cardflow flows ...`: an operator's view of the flows over the typed client (the same rules as
// the API): list by search attribute, read one, start one from a JSON input, cancel one, and
// resolve a flow that waits in NEEDS_RECONCILIATION. Connection and codec keys come from the environment (TEMPORAL_*,
// CARDFLOW_CODEC_KEYS...), as for the worker.
import { parseArgs } from 'node:util';
import { type CardflowClient, connectCardflowClient, type ListFilter } from '../client';
import type { OutcomeResolution } from '../contract';
import { type CliCommand, type CliIO, UsageError } from './command';
import { FLOWS_START_USAGE, startChecked, startRequest } from './flows-start';

const USAGE = [
  'cardflow flows list [--state S] [--flow TYPE] [--provider P] [--card REF] [--customer REF] [--running] [--limit N]',
  'cardflow flows get <workflowId>',
  FLOWS_START_USAGE,
  'cardflow flows cancel <workflowId>',
  'cardflow flows resolve <workflowId> (--applied [--transaction ID] | --not-applied) [--note TEXT]',
].join('\n       ');

/** A flows command: its arguments are checked first, then it connects (`client()`). */
type Run = (client: () => Promise<CardflowClient>, args: string[], io: CliIO) => Promise<number>;

const subcommands: Record<string, Run> = {
  async list(client, args, io) {
    const { values } = parse(() =>
      parseArgs({
        args,
        strict: true,
        options: {
          state: { type: 'string' },
          flow: { type: 'string' },
          provider: { type: 'string' },
          card: { type: 'string' },
          customer: { type: 'string' },
          running: { type: 'boolean' },
          limit: { type: 'string' },
        },
      }),
    );
    const filter = {
      ...(values.state ? { state: values.state } : {}),
      ...(values.flow ? { flow: values.flow } : {}),
      ...(values.provider ? { provider: values.provider } : {}),
      ...(values.card ? { cardRef: values.card } : {}),
      ...(values.customer ? { customerRef: values.customer } : {}),
      ...(values.running ? { running: true } : {}),
      ...(values.limit ? { limit: Number(values.limit) } : {}),
    } as ListFilter;
    for (const f of await (await client()).list(filter))
      io.out([f.workflowId, f.status, f.state ?? '-', f.startTime.toISOString()].join('\t'));
    return 0;
  },
  async get(client, args, io) {
    const id = onlyId(args);
    const handle = (await client()).byId(id);
    const description = await handle.handle.describe();
    const state = description.status.name === 'RUNNING' ? await handle.state() : undefined;
    io.out(JSON.stringify({ workflowId: id, status: description.status.name, state }, null, 2));
    return 0;
  },
  async start(client, args, io) {
    const { values, positionals } = parse(() =>
      parseArgs({
        args,
        strict: true,
        allowPositionals: true,
        options: { input: { type: 'string' }, wait: { type: 'boolean' } },
      }),
    );
    const [type, ...extra] = positionals;
    if (!type) throw new UsageError('a flow type is required');
    if (extra.length) throw new UsageError(`unexpected ${extra.join(' ')}`);
    if (values.input === undefined) throw new UsageError('--input <file|-> is required');
    // Checked before connecting: a bad input is refused with nothing sent.
    const request = await startRequest(type, values.input, io);
    return startChecked(await client(), request, values.wait ?? false, io);
  },
  async cancel(client, args, io) {
    const id = onlyId(args);
    await (await client()).byId(id).handle.cancel();
    io.out(`cancellation requested for ${id}`);
    return 0;
  },
  async resolve(client, args, io) {
    const { values, positionals } = parse(() =>
      parseArgs({
        args,
        strict: true,
        allowPositionals: true,
        options: {
          applied: { type: 'boolean' },
          'not-applied': { type: 'boolean' },
          transaction: { type: 'string' },
          note: { type: 'string' },
        },
      }),
    );
    const id = onlyId(positionals);
    if (values.applied === values['not-applied']) throw new UsageError('say --applied or --not-applied');
    if (values['not-applied'] && values.transaction)
      throw new UsageError('--transaction goes with --applied only');
    const resolution: OutcomeResolution = values.applied
      ? {
          applied: true,
          ...(values.transaction ? { transactionId: values.transaction } : {}),
          ...(values.note ? { note: values.note } : {}),
        }
      : { applied: false, ...(values.note ? { note: values.note } : {}) };
    await (await client()).resolveOutcome(id, resolution);
    io.out(`${id}: resolved as ${resolution.applied ? 'applied' : 'not applied'}`);
    return 0;
  },
};

/** node:util's parseArgs, its mistakes reported as usage errors. */
function parse<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function onlyId(args: string[]): string {
  const [id, ...extra] = args;
  if (!id || id.startsWith('-')) throw new UsageError('a workflow id is required');
  if (extra.length) throw new UsageError(`unexpected ${extra.join(' ')}`);
  return id;
}

/** A cardflow client and the connection to close when the command is done. */
export type ConnectCardflow = () => Promise<{
  cardflow: CardflowClient;
  connection: { close(): Promise<void> };
}>;

/** The flows command over `connect` (the environment's Temporal and codec keys by default). */
export const flowsCommandWith = (connect: ConnectCardflow): CliCommand => ({
  summary:
    'list, read, start, cancel and resolve flows (typed client; TEMPORAL_* and codec keys from the env)',
  usage: USAGE,
  async run(args, io) {
    const [name, ...rest] = args;
    if (name === '--help' || name === '-h' || name === 'help') {
      io.out(`usage: ${USAGE}`);
      return 0;
    }
    const sub = name ? subcommands[name] : undefined;
    if (!sub) throw new UsageError(`unknown flows command ${name ?? '(none)'}`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(`usage: ${USAGE}`);
      return 0;
    }
    let connected: Awaited<ReturnType<ConnectCardflow>> | undefined;
    const client = async () => (connected ??= await connect()).cardflow;
    try {
      return await sub(client, rest, io);
    } finally {
      await connected?.connection.close();
    }
  },
});

export const flowsCommand: CliCommand = flowsCommandWith(() => connectCardflowClient());
