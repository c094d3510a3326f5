// Poller loops in a process of their own, as a deployment would run them beside the API: the
// restart test SIGKILLs one mid-batch to show that its claimed rows are taken up again. Settings
// come as one JSON object in POLLER_LOOP_CONFIG (PostgreSQL connection, WasabiCard client keys,
// lifecycle settings, loops and batch size); it prints one line once the loops run.
import { join } from 'node:path';
import { Pool, type PoolConfig } from 'pg';
import { createActivities } from '../../../activities';
import { FileDocumentStore } from '../../../src/documents/file-document-store';
import { loadCodecKeyring } from '../../../src/security/codec-keys';
import { WasabiClient } from '../../../src/providers/wasabi/client';
import { MemorySecretStore } from '../../../src/security/memory-secret-store';
import type { LifecycleSettings } from '../lifecycle';
import { startPollerLoops } from './loops';
import { advance } from './steps';

export interface LoopProcessConfig {
  connection: PoolConfig;
  sandbox: { url: string; apiKey: string; merchantPrivateKey: string; platformPublicKey: string };
  settings: LifecycleSettings;
  loops: number;
  batchSize: number;
  dataDir: string;
}

function main(): void {
  const config = JSON.parse(process.env.POLLER_LOOP_CONFIG ?? '') as LoopProcessConfig;
  const activities = createActivities({
    wasabi: new WasabiClient({
      baseUrl: config.sandbox.url,
      apiKey: config.sandbox.apiKey,
      merchantPrivateKey: config.sandbox.merchantPrivateKey,
      platformPublicKey: config.sandbox.platformPublicKey,
      timeoutMs: config.settings.clientTimeoutMs,
    }),
    documents: new FileDocumentStore(
      join(config.dataDir, 'documents'),
      loadCodecKeyring({ env: { CARDFLOW_DATA_DIR: config.dataDir }, devKeys: 'generate' }).keyring,
    ),
    secrets: new MemorySecretStore(),
  });
  const pool = new Pool({ ...config.connection, max: config.loops });
  pool.on('error', () => undefined);
  startPollerLoops({
    pool,
    loops: config.loops,
    batchSize: config.batchSize,
    advance: (row) => advance(row, activities, config.settings),
    onError: (error) => console.error('poller loop error', error),
  });
  console.log('poller loops running');
}

main();
