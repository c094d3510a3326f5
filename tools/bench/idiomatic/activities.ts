// The idiomatic arm's activities: the product's own activity functions (createActivities), built
// on a WasabiClient with the settings the cardflow worker gets (keys as files, same timeout).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createActivities, type CardflowActivities } from '../../../activities';
import { FileDocumentStore } from '../../../src/documents/file-document-store';
import { loadCodecKeyring } from '../../../src/security/codec-keys';
import { WasabiClient } from '../../../src/providers/wasabi/client';
import { MemorySecretStore } from '../../../src/security/memory-secret-store';

export interface IdiomaticActivitySettings {
  wasabiUrl: string;
  apiKeyFile: string;
  merchantPrivateKeyFile: string;
  platformPublicKeyFile: string;
  timeoutMs: number;
  dataDir: string;
}

export function createIdiomaticActivities(settings: IdiomaticActivitySettings): CardflowActivities {
  const read = (file: string) => readFileSync(file, 'utf8');
  return createActivities({
    wasabi: new WasabiClient({
      baseUrl: settings.wasabiUrl,
      apiKey: read(settings.apiKeyFile).trim(),
      merchantPrivateKey: read(settings.merchantPrivateKeyFile),
      platformPublicKey: read(settings.platformPublicKeyFile),
      timeoutMs: settings.timeoutMs,
    }),
    documents: new FileDocumentStore(
      join(settings.dataDir, 'documents'),
      loadCodecKeyring({ env: { CARDFLOW_DATA_DIR: settings.dataDir }, devKeys: 'generate' }).keyring,
    ),
    secrets: new MemorySecretStore(),
  });
}
