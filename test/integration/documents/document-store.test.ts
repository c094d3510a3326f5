// Identity documents at rest (issue 22), against a real PostgreSQL (a throwaway server) and real
// files: an uploaded document leaves no plaintext anywhere in either store (a canary scanned in the
// raw table, the server's data files and the documents folder); key rotation keeps old documents
// readable and a retired key is refused by name; two stores on one database (two machines) read
// each other's documents; deletion by age removes the bytes; migrations run once.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Pool } from 'pg';
import { buildApi } from '../../../src/api/server';
import { type DocumentStore, DocumentNotFoundError } from '../../../src/documents/document-store';
import { FileDocumentStore } from '../../../src/documents/file-document-store';
import { openDocumentStore } from '../../../src/documents/open-document-store';
import { PostgresDocumentStore } from '../../../src/documents/postgres-document-store';
import { createLogger } from '../../../src/logging/logger';
import { type CodecKeyring, createKeyring } from '../../../src/security/codec-keys';
import { MemorySecretStore } from '../../../src/security/memory-secret-store';
import { openDatabase } from '../../../src/storage/database';
import { migrate } from '../../../src/storage/migrations';
import { type ScriptedFrontend, startScriptedFrontend } from '../../helpers/scripted-frontend';
import { filesContaining, startTestPostgres, type TestPostgres } from '../../helpers/test-postgres';

const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuvwxyz';
const key1 = { id: 'key-1', key: randomBytes(32) };
const key2 = { id: 'key-2', key: randomBytes(32) };
const ring1 = createKeyring([key1], 'key-1');
const ringRotated = createKeyring([key1, key2], 'key-2');
const ringRetired = createKeyring([key2], 'key-2');

/** A PNG-looking document carrying a unique canary: found anywhere, it is plaintext. */
function canaryDocument(): { canary: Buffer; bytes: Buffer } {
  const canary = Buffer.from(`CANARY-PASSPORT-${randomBytes(12).toString('hex')}`);
  const bytes = Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'binary'),
    canary,
    Buffer.alloc(64, 0x20),
    canary,
  ]);
  return { canary, bytes };
}

let postgres: TestPostgres;
let pool: Pool;
let frontend: ScriptedFrontend;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'cardflow-docs-'));
  dirs.push(dir);
  return dir;
};

before(async () => {
  postgres = await startTestPostgres();
  pool = openDatabase(postgres.url, { max: 4 });
  frontend = await startScriptedFrontend('default');
});

after(async () => {
  await pool?.end();
  await postgres?.stop();
  await frontend?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Uploads through the API's POST /documents, as a client does; answers the reference. */
async function upload(documents: DocumentStore, bytes: Buffer): Promise<string> {
  const api = buildApi({
    client: frontend.client,
    tokens: [TOKEN],
    logger: createLogger({ level: 'silent' }),
    secrets: new MemorySecretStore(),
    documents,
  });
  try {
    const res = await api.inject({
      method: 'POST',
      url: '/documents',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'image/png' },
      payload: bytes,
    });
    assert.equal(res.statusCode, 201, res.body);
    return (res.json() as { ref: string }).ref;
  } finally {
    await api.close();
  }
}

const stores: Array<{ name: string; make: (keyring: CodecKeyring) => Promise<DocumentStore> }> = [
  {
    name: 'files',
    make: (() => {
      let dir: string | undefined;
      return async (keyring: CodecKeyring) => new FileDocumentStore((dir ??= tempDir()), keyring);
    })(),
  },
  {
    name: 'postgres',
    make: async (keyring: CodecKeyring) =>
      (await openDocumentStore({ keyring, pool, dataDir: tempDir() })).store,
  },
];

describe('no plaintext document bytes anywhere in storage', () => {
  test('files: the canary of an uploaded document is in no file of the documents folder', async () => {
    const dir = tempDir();
    const store = new FileDocumentStore(dir, ring1);
    const { canary, bytes } = canaryDocument();
    const ref = await upload(store, bytes);
    const files = readdirSync(dir).map((name) => join(dir, name));
    assert.ok(files.length > 0, 'the document was stored');
    assert.deepEqual(filesContaining(files, canary), [], 'plaintext canary found in the documents folder');
    for (const file of files)
      assert.ok(!readFileSync(file).includes(Buffer.from('document.png')), `${file} names the file`);
    assert.deepEqual((await store.get(ref)).bytes, bytes, 'the document reads back');
  });

  test('postgres: the canary is in no column of the table and in no data file of the server', async () => {
    const store = (await openDocumentStore({ keyring: ring1, pool, dataDir: tempDir() })).store;
    const { canary, bytes } = canaryDocument();
    const ref = await upload(store, bytes);
    const { rows } = await pool.query<{ row: string }>(
      "SELECT encode(convert_to(t::text, 'UTF8'), 'hex') AS row FROM cardflow_documents t",
    );
    assert.ok(rows.length > 0, 'the document was stored');
    // The row as text (bytea columns as \x hex) and each bytea decoded: neither holds the canary.
    const { rows: raw } = await pool.query<{ sealed: Buffer }>('SELECT sealed FROM cardflow_documents');
    for (const { row } of rows) {
      const text = Buffer.from(row, 'hex');
      assert.ok(!text.includes(canary), 'plaintext canary in a row');
      assert.ok(!text.includes(Buffer.from(canary.toString('hex'))), 'hex of the canary in a row');
    }
    for (const { sealed } of raw) assert.ok(!sealed.includes(canary), 'plaintext canary in a bytea');
    // The scan's control: a canary stored in clear is found in the data files by the same scan.
    const control = canaryDocument().canary;
    await pool.query('CREATE TABLE IF NOT EXISTS scan_control (b bytea)');
    await pool.query('INSERT INTO scan_control VALUES ($1)', [control]);
    await pool.query('CHECKPOINT');
    assert.ok(filesContaining(postgres.dataFiles(), control).length > 0, 'the scan finds plaintext');
    assert.deepEqual(filesContaining(postgres.dataFiles(), canary), [], 'canary in the server data files');
    assert.deepEqual((await store.get(ref)).bytes, bytes, 'the document reads back');
  });
});

for (const { name, make } of stores) {
  describe(`${name}: key rotation`, () => {
    test('a document written under key 1 reads after rotating to key 2; a retired key is refused by name', async () => {
      const { canary, bytes } = canaryDocument();
      const before = await (
        await make(ring1)
      ).put({ bytes, contentType: 'image/png', fileName: 'document.png' });
      const rotated = await make(ringRotated);
      assert.deepEqual((await rotated.get(before)).bytes, bytes, 'old document after rotation');
      const after = await rotated.put({ bytes, contentType: 'image/png', fileName: 'document.png' });
      const retired = await make(ringRetired);
      assert.deepEqual((await retired.get(after)).bytes, bytes, 'a key-2 document without key 1');
      await assert.rejects(retired.get(before), (error: Error) => {
        assert.equal(error.name, 'DocumentKeyRetiredError');
        assert.match(error.message, /key "key-1", which is no longer in the keyring/);
        assert.ok(!error.message.includes(canary.toString()), 'no document bytes in the error');
        return true;
      });
    });
  });

  describe(`${name}: deletion by age`, () => {
    test('deleteOlderThan removes the old document and keeps a young one', async () => {
      const store = await make(ring1);
      const old = await store.put({ bytes: Buffer.from('old'), contentType: 'image/png', fileName: 'a.png' });
      const young = await store.put({
        bytes: Buffer.from('young'),
        contentType: 'image/png',
        fileName: 'b.png',
      });
      await backdate(name, old, 40);
      const deleted = await store.deleteOlderThan(new Date(Date.now() - 30 * 86_400_000));
      assert.ok(deleted >= 1, `deleted ${deleted}`);
      await assert.rejects(store.get(old), DocumentNotFoundError);
      assert.deepEqual((await store.get(young)).bytes, Buffer.from('young'));
    });
  });
}

/** Moves a stored document's creation time `days` into the past (as if uploaded then). */
async function backdate(store: string, ref: string, days: number): Promise<void> {
  const id = ref.slice('doc:'.length);
  if (store === 'postgres') {
    await pool.query(
      `UPDATE cardflow_documents SET created_at = now() - make_interval(days => $2) WHERE id = $1`,
      [id, days],
    );
    return;
  }
  for (const dir of dirs) {
    const path = join(dir, `${id}.json`);
    try {
      const meta = JSON.parse(readFileSync(path, 'utf8')) as { createdAt: string };
      meta.createdAt = new Date(Date.now() - days * 86_400_000).toISOString();
      writeFileSync(path, JSON.stringify(meta));
      return;
    } catch {
      // not in this folder
    }
  }
  throw new Error(`no file document ${ref}`);
}

describe('files: documents stored in clear before encryption', () => {
  test('the age sweep deletes an old plaintext document by its file time; a young one is not read', async () => {
    const dir = tempDir();
    const store = new FileDocumentStore(dir, ring1);
    const legacy = (id: string, daysOld: number) => {
      writeFileSync(join(dir, `${id}.bin`), 'plain bytes');
      writeFileSync(
        join(dir, `${id}.json`),
        JSON.stringify({ contentType: 'image/png', fileName: 'doc.png' }),
      );
      const when = new Date(Date.now() - daysOld * 86_400_000);
      utimesSync(join(dir, `${id}.bin`), when, when);
    };
    legacy('00000000-0000-4000-8000-000000000001', 40);
    legacy('00000000-0000-4000-8000-000000000002', 1);
    assert.equal(await store.deleteOlderThan(new Date(Date.now() - 30 * 86_400_000)), 1);
    assert.ok(!existsSync(join(dir, '00000000-0000-4000-8000-000000000001.bin')), 'old plaintext gone');
    assert.ok(existsSync(join(dir, '00000000-0000-4000-8000-000000000002.bin')), 'young one kept');
    await assert.rejects(store.get('doc:00000000-0000-4000-8000-000000000002'), DocumentNotFoundError);
  });
});

describe('one database shared by two machines', () => {
  test('two stores on two pools read and delete each other’s documents', async () => {
    const otherPool = openDatabase(postgres.url, { max: 2 });
    try {
      const api = new PostgresDocumentStore(pool, ring1);
      const worker = (await openDocumentStore({ keyring: ring1, pool: otherPool, dataDir: tempDir() })).store;
      const { bytes } = canaryDocument();
      const ref = await api.put({ bytes, contentType: 'image/jpeg', fileName: 'document.jpg' });
      const read = await worker.get(ref);
      assert.deepEqual(read.bytes, bytes);
      assert.equal(read.contentType, 'image/jpeg');
      assert.equal(read.fileName, 'document.jpg');
      await worker.delete(ref);
      await assert.rejects(api.get(ref), DocumentNotFoundError);
      const { rows } = await pool.query('SELECT 1 FROM cardflow_documents WHERE id = $1', [ref.slice(4)]);
      assert.equal(rows.length, 0, 'the row is gone');
    } finally {
      await otherPool.end();
    }
  });

  test('migrations run once per database, whoever starts first', async () => {
    const migration = { name: 'test-once', sql: 'CREATE TABLE test_once (n int)' };
    const results = await Promise.all([migrate(pool, [migration]), migrate(pool, [migration])]);
    assert.deepEqual(results.flat(), ['test-once'], 'ran exactly once');
    assert.deepEqual(await migrate(pool, [migration]), []);
    const { rows } = await pool.query<{ name: string }>(
      "SELECT name FROM cardflow_schema_migrations WHERE name IN ('test-once', 'documents-1-table') ORDER BY name",
    );
    assert.deepEqual(
      rows.map((r) => r.name),
      ['documents-1-table', 'test-once'],
    );
  });
});
