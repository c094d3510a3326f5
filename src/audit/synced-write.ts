// Writes text to a file (mode 0600 when it creates it) and syncs it to disk before resolving: an
// audit record, stored or spooled, is on disk by the time the API answers.
import { open } from 'node:fs/promises';

export async function writeSynced(file: string, text: string, mode: 'append' | 'replace'): Promise<void> {
  const handle = await open(file, mode === 'append' ? 'a' : 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
