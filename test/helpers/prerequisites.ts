// What `npm test` needs from outside node_modules, and what a test does when it is missing.
// `npm run setup` installs each one (scripts/install-redis.sh, scripts/install-chromium.sh). A test
// whose prerequisite is missing FAILS, naming the command that installs it. It is skipped only
// when its opt-out variable is set (`CARDFLOW_SKIP_REDIS=1`, `CARDFLOW_SKIP_CHROMIUM=1`), and
// then it is reported as skipped; in CI (`CI` set) an opt-out is refused: CI fails, never skips.
import { findRedisServer } from '../../src/dev/redis-server';
import { findChromium } from './chromium';

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
    install: 'bash scripts/install-redis.sh',
    optOut: 'CARDFLOW_SKIP_REDIS',
  },
  chromium: {
    what: 'Chromium',
    find: () => findChromium(),
    install: 'bash scripts/install-chromium.sh (or set CARDFLOW_CHROMIUM_PATH)',
    optOut: 'CARDFLOW_SKIP_CHROMIUM',
  },
} as const;

export function prerequisite(
  name: keyof typeof KNOWN,
  env: NodeJS.ProcessEnv = process.env,
  find: () => string | undefined = KNOWN[name].find,
): Prerequisite {
  const { what, install, optOut } = KNOWN[name];
  const path = find();
  const optedOut = env[optOut] === '1';
  const message = path
    ? ''
    : optedOut && env.CI
      ? `${what} is not installed and ${optOut}=1 is not honoured in CI: run ${install}`
      : `${what} is not installed: run ${install} (npm run setup does), or set ${optOut}=1 to skip this test`;
  return {
    path,
    skip: !path && optedOut && !env.CI ? `${what} is not installed and ${optOut}=1` : false,
    require() {
      if (!path) throw new Error(message);
      return path;
    },
  };
}
