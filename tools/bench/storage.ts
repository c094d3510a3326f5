// The dev server's storage settings the benchmark compares.

/** In memory, a SQLite file, or a SQLite file in WAL mode (`--sqlite-pragma journal_mode=wal`). */
export type Storage = 'memory' | 'file' | 'wal';
export const STORAGES: readonly Storage[] = ['memory', 'file', 'wal'];
/** What the dev stack uses: a SQLite file with WAL (`dbFile` + `sqlitePragmas: ['journal_mode=wal']`). */
export const DEV_STACK_STORAGE: Storage = 'wal';

/** Where the cardflow arm's Temporal runs: the dev server, or `npm run cluster`'s cluster. */
export type BenchServer = 'dev' | 'cluster';
export const BENCH_SERVERS: readonly BenchServer[] = ['dev', 'cluster'];
/** A row's server: a dev server storage setting, or the cluster (PostgreSQL). */
export type ServerLabel = Storage | 'cluster';
