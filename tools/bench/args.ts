// `npm run bench -- [options]`: the command line, parsed into the run's plan (pure).
import { parseArgs } from 'node:util';
import { BENCH_SERVERS, type BenchServer, DEV_STACK_STORAGE, STORAGES, type Storage } from './storage';

/** The arms: the plain script, cardflow, a status-table poller on PostgreSQL, idiomatic Temporal. */
export const ARMS = ['plain', 'cardflow', 'poller', 'idiomatic'] as const;
export type Arm = (typeof ARMS)[number];

export const USAGE = `npm run bench -- [options]

  --quick                 a small run (concurrency 1,16; 1 repetition; WAL storage only; the
                          7-day KYC polled hourly): about 1-2 minutes
  --concurrency 1,8,32    lifecycles in flight per arm (default 1,8,32,128)
  --repetitions N         blocks per arm and concurrency (default 5; arms interleaved)
  --lifecycles N          at least N lifecycles per block, and one per slot (default 4)
  --arms plain,cardflow,poller,idiomatic
                          arms to run, interleaved (default all four): the plain script, cardflow,
                          a status-table poller on PostgreSQL, the lifecycle as idiomatic Temporal
                          (the last two: docs/benchmark.md)
  --poller-loops 4        the poller arm's loops (default 4)
  --poller-batch 32       rows one loop claims per transaction (default 32)
  --storage memory,file,wal
                          dev server storage settings to measure (default all three; with
                          --server naming the cluster: wal, the dev stack's)
  --server dev,cluster    Temporal servers of the cardflow arm (default dev): the cluster is
                          \`npm run cluster\`'s (PostgreSQL, five Temporal processes); with both,
                          their blocks interleave in one run, with CPU by process for each
  --poll-interval 1s      poll interval of every wait, both arms (default 1s; the Temporal server
                          retries an activity 1 s after a failure at the soonest)
  --time-scale 0.2        sandbox time scale (default 0.2: review 1.2 s, orders 0.6 s)
  --kyc-poll 1m           poll interval of the 1 minute / 7 days KYC (default 1m, --quick 1h)
  --no-history-growth     skip the 1 minute / 7 days KYC measurement
  --no-webhook            skip the webhook-to-flow block (cardflow at half its best concurrency,
                          waits ended by the provider's notifications through \`cardflow api\`)
  --worker-env NAME=VALUE extra worker setting (repeatable), e.g. CARDFLOW_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS=80
  --json                  also print the summary as one JSON object on the last line
  --help`;

export interface BenchPlan {
  quick: boolean;
  arms: Arm[];
  pollerLoops: number;
  pollerBatch: number;
  json: boolean;
  concurrency: number[];
  repetitions: number;
  minLifecycles: number;
  storages: Storage[];
  /** Temporal servers of the cardflow arm; with the cluster, one run interleaves every server. */
  servers: BenchServer[];
  pollInterval: string;
  timeScale: number;
  kycPollInterval: string;
  historyGrowth: boolean;
  /** The webhook-to-flow block after each server's sweep (cardflow arm only). */
  webhook: boolean;
  workerEnv: Record<string, string>;
  help: boolean;
}

export class BenchUsageError extends Error {
  override name = 'BenchUsageError';
}

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function durationToMs(value: string): number {
  const match = DURATION.exec(value);
  if (!match) throw new BenchUsageError(`expected a duration such as 100ms or 1m, got ${value}`);
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}

function positiveInt(name: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new BenchUsageError(`${name}: expected a positive integer`);
  return Number(value);
}

export function parseBenchArgs(argv: readonly string[]): BenchPlan {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      allowPositionals: false,
      options: {
        quick: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        arms: { type: 'string' },
        'poller-loops': { type: 'string' },
        'poller-batch': { type: 'string' },
        concurrency: { type: 'string' },
        repetitions: { type: 'string' },
        lifecycles: { type: 'string' },
        storage: { type: 'string' },
        server: { type: 'string' },
        'poll-interval': { type: 'string' },
        'time-scale': { type: 'string' },
        'kyc-poll': { type: 'string' },
        'no-history-growth': { type: 'boolean', default: false },
        'no-webhook': { type: 'boolean', default: false },
        'worker-env': { type: 'string', multiple: true },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new BenchUsageError((error as Error).message);
  }
  const quick = values.quick ?? false;
  const concurrency = (values.concurrency ?? (quick ? '1,16' : '1,8,32,128'))
    .split(',')
    .map((c) => positiveInt('--concurrency', c.trim()));
  const servers = [
    ...new Set(
      (values.server ?? 'dev').split(',').map((s) => {
        const server = s.trim() as BenchServer;
        if (!BENCH_SERVERS.includes(server))
          throw new BenchUsageError(`--server: expected dev or cluster, got ${s}`);
        return server;
      }),
    ),
  ];
  const arms = [
    ...new Set(
      (values.arms ?? ARMS.join(',')).split(',').map((a) => {
        const arm = a.trim() as Arm;
        if (!ARMS.includes(arm)) throw new BenchUsageError(`--arms: expected ${ARMS.join(', ')}, got ${a}`);
        return arm;
      }),
    ),
  ];
  const withCluster = servers.includes('cluster');
  const defaultStorages = quick || withCluster ? DEV_STACK_STORAGE : STORAGES.join(',');
  const storages = (values.storage ?? defaultStorages).split(',').map((s) => {
    const storage = s.trim() as Storage;
    if (!STORAGES.includes(storage))
      throw new BenchUsageError(`--storage: expected memory, file or wal, got ${s}`);
    return storage;
  });
  const pollInterval = values['poll-interval'] ?? '1s';
  durationToMs(pollInterval);
  const kycPollInterval = values['kyc-poll'] ?? (quick ? '1h' : '1m');
  durationToMs(kycPollInterval);
  const timeScale = Number(values['time-scale'] ?? '0.2');
  if (!(timeScale > 0 && timeScale <= 1))
    throw new BenchUsageError('--time-scale: expected a number in (0, 1]');
  const workerEnv: Record<string, string> = {};
  for (const pair of values['worker-env'] ?? []) {
    const match = /^(CARDFLOW_WORKER_[A-Z_]+)=(.+)$/.exec(pair);
    if (!match)
      throw new BenchUsageError(`--worker-env: expected CARDFLOW_WORKER_<NAME>=<value>, got ${pair}`);
    workerEnv[match[1] as string] = match[2] as string;
  }
  return {
    quick,
    arms: ARMS.filter((a) => arms.includes(a)),
    pollerLoops: positiveInt('--poller-loops', values['poller-loops'] ?? '4'),
    pollerBatch: positiveInt('--poller-batch', values['poller-batch'] ?? '32'),
    json: values.json ?? false,
    concurrency: [...new Set(concurrency)].sort((a, b) => a - b),
    repetitions: positiveInt('--repetitions', values.repetitions ?? (quick ? '1' : '5')),
    minLifecycles: positiveInt('--lifecycles', values.lifecycles ?? (quick ? '2' : '4')),
    storages: servers.includes('dev') ? [...new Set(storages)] : [],
    servers,
    pollInterval,
    timeScale,
    kycPollInterval,
    historyGrowth: !(values['no-history-growth'] ?? false),
    webhook: !(values['no-webhook'] ?? false),
    workerEnv,
    help: values.help ?? false,
  };
}

/** Lifecycles in one block: at least the minimum, and one per slot. */
export function lifecyclesPerBlock(plan: Pick<BenchPlan, 'minLifecycles'>, concurrency: number): number {
  return Math.max(plan.minLifecycles, concurrency);
}
