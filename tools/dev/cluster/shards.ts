// Who owns each history shard, read from the cluster's own database: the `shards` table holds one
// row per shard whose `data` is the server's ShardInfo message (proto3), whose field 3 is `owner`,
// `<host identity>-<sequence>-<uuid>`, where the identity is the host:grpc port of the history host
// that last acquired the shard. A host that takes a shard over writes itself there (with a higher
// range id) before it serves the shard.

/** Field 3 (`owner`, a string) of a ShardInfo message; undefined when absent. */
export function shardInfoOwner(data: Buffer): string | undefined {
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = data[at++];
      if (byte === undefined) throw new Error('truncated varint');
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (at < data.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === 0) varint();
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const length = varint();
      if (field === 3) return data.subarray(at, at + length).toString('utf8');
      at += length;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return undefined;
}

export interface ShardRow {
  shardId: number;
  rangeId: number;
  /** host:port of the owning history host. */
  owner: string | undefined;
  /** The owner field as stored (host-sequence-uuid: one per acquisition). */
  ownerId: string | undefined;
}

/** The host:port part of a stored owner (`127.0.0.1:7234-3-<uuid>` → `127.0.0.1:7234`). */
export function ownerHost(ownerId: string): string {
  return /^(.+:\d+)-\d+-[0-9a-f-]+$/.exec(ownerId)?.[1] ?? ownerId;
}

/** Rows of `SELECT shard_id, range_id, encode(data, 'hex'), data_encoding FROM shards`. */
export function parseShardRows(rows: string[][]): ShardRow[] {
  return rows.map(([shardId, rangeId, hex, encoding]) => {
    if (encoding !== 'Proto3') throw new Error(`shard ${shardId}: unexpected encoding ${encoding}`);
    const ownerId = shardInfoOwner(Buffer.from(hex ?? '', 'hex'));
    return {
      shardId: Number(shardId),
      rangeId: Number(rangeId),
      owner: ownerId === undefined ? undefined : ownerHost(ownerId),
      ownerId,
    };
  });
}

export const SHARDS_QUERY =
  "SELECT shard_id, range_id, encode(data, 'hex'), data_encoding FROM shards ORDER BY shard_id";

/** Shards per owner. */
export function countByOwner(rows: readonly ShardRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.owner ?? '(none)'] = (counts[row.owner ?? '(none)'] ?? 0) + 1;
  return counts;
}
