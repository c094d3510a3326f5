// Where Chromium is for browser tests: CARDFLOW_CHROMIUM_PATH, else Debian's chromium on the PATH
// (scripts/install-chromium.sh installs it). Undefined when there is none.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.CARDFLOW_CHROMIUM_PATH
    ? [env.CARDFLOW_CHROMIUM_PATH]
    : (env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .flatMap((dir) => ['chromium', 'chromium-browser'].map((name) => join(dir, name)));
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
