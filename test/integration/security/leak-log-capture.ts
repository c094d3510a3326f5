// Installs the Temporal runtime of this test process with the engine's own pino logger (the one
// `cardflow worker` and `cardflow api` use: redaction included) writing into memory, so the leak
// test can read every line the worker, the SDK, the Temporal core and the API wrote.
// Imported first by leak.test.ts: the runtime must be installed before any connection or worker
// (the lifecycle env's own fallback install is then a no-op).
import type { DestinationStream } from 'pino';
import { createLogger } from '../../../src/logging/logger';
import { installTemporalRuntime } from '../../../src/runtime/temporal-runtime';

/** Every log line written so far (JSON, one object per line). */
export const capturedLogLines: string[] = [];

const memory: DestinationStream = {
  write(line: string) {
    capturedLogLines.push(line);
  },
};

/** The engine logger at debug level (more than production's default `info`). */
export const engineLogger = createLogger({ level: 'debug', name: 'leak-test' }, memory);

// Core logs from INFO up (production: WARN), forwarded through the same logger.
installTemporalRuntime(engineLogger, { metricsBindAddress: 'off', coreLogLevel: 'INFO' });
