// What `npm test` needs from outside node_modules, and what a test does when it is missing.
// `npm run setup` installs each one (scripts/install-redis.sh, scripts/install-chromium.sh). A test
// whose prerequisite is missing FAILS, naming the command that installs it. It is skipped only
// when its opt-out variable is set (`CARDFLOW_SKIP_REDIS=1`, `CARDFLOW_SKIP_CHROMIUM=1`), and
// then it is reported as skipped; in CI (`CI` set) an opt-out is refused: CI fails, never skips.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findRedisServer } from '../../tools/dev/redis-server';
import { findChromium } from './chromium';

/** The providers' own documents, in the shared folder CI places beside the clone. */
const SHARED_SEEDS = join(__dirname, '..', '..', '..', 'shared', 'seeds');

export interface Prerequisite {
  /** The executable, when it is installed. */
  path: string | undefined;
  /** For a test's `skip` option: the reason when it is missing and opted out, else false. */
  skip: string | false;
  /** The executable; throws the message naming the install command when it is missing. */
  require(): string;
}

const KNOWN = {
  redis: {
    what: 'redis-server',
    find: findRedisServer,
    missing: 'is not installed',
    install: 'run bash scripts/install-redis.sh',
    optOut: 'CARDFLOW_SKIP_REDIS',
  },
  chromium: {
    what: 'Chromium',
    find: () => findChromium(),
    missing: 'is not installed',
    install: 'run bash scripts/install-chromium.sh (or set CARDFLOW_CHROMIUM_PATH)',
    optOut: 'CARDFLOW_SKIP_CHROMIUM',
  },
  sharedSeeds: {
    what: '../shared/seeds',
    find: () => (existsSync(SHARED_SEEDS) ? SHARED_SEEDS : undefined),
    missing: 'is not beside this clone',
    install: 'place the shared folder (design, specs, seeds) beside the clone',
    optOut: 'CARDFLOW_SKIP_SHARED_SEEDS',
  },
} as const;

export function prerequisite(
  name: keyof typeof KNOWN,
  env: NodeJS.ProcessEnv = process.env,
  find: () => string | undefined = KNOWN[name].find,
): Prerequisite {
  const { what, missing, install, optOut } = KNOWN[name];
  const path = find();
  const optedOut = env[optOut] === '1';
  const message = path
    ? ''
    : optedOut && env.CI
      ? `${what} ${missing} and ${optOut}=1 is not honoured in CI: ${install}`
      : `${what} ${missing}: ${install} (npm run setup does for installs), or set ${optOut}=1 to skip this test`;
  return {
    path,
    skip: !path && optedOut && !env.CI ? `${what} ${missing} and ${optOut}=1` : false,
    require() {
      if (!path) throw new Error(message);
      return path;
    },
  };
}
