// How much the Temporal SDK, the Temporal core and the dev servers started by tests log. Tests
// fail workflows and activities on purpose, and at WARN the SDK prints each of those with its
// stack trace (about 2,400 lines of a full run), so tests log errors only. CARDFLOW_TEST_LOG
// brings the logs back: `CARDFLOW_TEST_LOG=warn npm test` (or trace, debug, info, error; any
// other value means warn).
import { DefaultLogger, Runtime } from '@temporalio/worker';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type TestLogLevel = (typeof LEVELS)[number];

export function testLogLevel(env: NodeJS.ProcessEnv = process.env): TestLogLevel {
  const wanted = env.CARDFLOW_TEST_LOG?.trim().toLowerCase();
  if (!wanted) return 'error';
  return (LEVELS as readonly string[]).includes(wanted) ? (wanted as TestLogLevel) : 'warn';
}

/**
 * The Temporal runtime of a test process, logging at testLogLevel(), unless the process already
 * has one (a test that installs its own logger keeps it).
 */
export function installTestRuntime(): void {
  try {
    Runtime.install({
      logger: new DefaultLogger(testLogLevel().toUpperCase() as Uppercase<TestLogLevel>),
    });
  } catch {
    // already installed in this process
  }
}
