// The dev server's storage settings the benchmark compares.

/** In memory, a SQLite file, or a SQLite file in WAL mode (`--sqlite-pragma journal_mode=wal`). */
export type Storage = 'memory' | 'file' | 'wal';
export const STORAGES: readonly Storage[] = ['memory', 'file', 'wal'];
/** What the dev stack uses: a SQLite file with WAL (`dbFile` + `sqlitePragmas: ['journal_mode=wal']`). */
export const DEV_STACK_STORAGE: Storage = 'wal';
