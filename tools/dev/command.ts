// `cardflow dev` (npm start): runs the whole engine locally until Ctrl-C, then stops every part.
// Settings: tools/dev/settings.ts (ports, data folder, store, sandbox time scale).
import type { CliCommand, CliIO } from '../../src/cli/command';
import { stopInOrder, stopRequested } from '../../src/cli/support';
import { ConfigError } from '../../src/config/env';
import { redactText } from '../../src/logging/redaction';
import { PortInUseError } from './ports';
import { type DevStack, startDevStack } from './stack';

export function describeStack(stack: DevStack): string[] {
  const { urls, credentials } = stack;
  return [
    'cardflow dev stack is ready',
    '',
    `  API              ${urls.api}`,
    `  OpenAPI          ${urls.openapi}`,
    ...(urls.temporalUi ? [`  Temporal UI      ${urls.temporalUi}`] : []),
    `  Temporal         ${urls.temporal}  (TEMPORAL_ADDRESS, namespace ${stack.namespace})`,
    `  codec server     ${urls.codecServer}`,
    `  KazePay sandbox  ${urls.kazepaySandbox}/_sandbox/state`,
    `  Wasabi sandbox   ${urls.wasabiSandbox}/_sandbox/state`,
    `  worker health    ${urls.workerHealth}`,
    `  metrics          ${urls.metrics}`,
    '',
    'dev credentials (generated once, kept in the data folder):',
    `  API token        ${credentials.apiToken}`,
    `                   (${credentials.apiTokenFile})`,
    `  codec token      ${credentials.codecToken}`,
    `                   (${credentials.codecTokenFile})`,
    '',
    `data   ${stack.dataDir}${stack.temporalDbFile || stack.externalTemporal ? '' : '  (Temporal in memory: flows end with the stack)'}`,
    `logs   ${stack.logFile}`,
    '',
    `try:   curl -H "Authorization: Bearer $(cat ${credentials.apiTokenFile})" ${urls.api}/flows`,
    'stop:  Ctrl-C',
  ];
}

export async function runDevStack(io: CliIO, until?: Promise<void>): Promise<number> {
  let stack: DevStack;
  try {
    stack = await startDevStack({ onProgress: (line) => io.out(`  ${line}`) });
  } catch (error) {
    if (error instanceof PortInUseError || error instanceof ConfigError) {
      io.err(`cardflow dev: ${error.message}`);
      return 2;
    }
    io.err(`cardflow dev: ${error instanceof Error ? redactText(error.message) : 'start failed'}`);
    return 1;
  }
  for (const line of describeStack(stack)) io.out(line);
  await stopRequested(until);
  await stopInOrder(() => stack.stop(), io);
  return 0;
}

export const devCommand: CliCommand = {
  summary: 'run the whole engine locally: Temporal + UI, sandboxes, codec server, worker, API',
  usage: 'cardflow dev',
  run(args, io) {
    if (args.length > 0) {
      io.err(`cardflow dev: unexpected argument ${args[0]}\nusage: ${devCommand.usage}`);
      return Promise.resolve(2);
    }
    return runDevStack(io);
  },
};
