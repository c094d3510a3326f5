// Helper processes of the benchmark, so each one's CPU and memory can be told apart:
//   bundle <out.js>                               the product workflow bundle, written to a file
//   history-growth <bundle.js> <pollInterval>     prints one JSON line (history-growth.ts)
//   sandbox <keyDir> <port> <timeScale>           the WasabiCard sandbox until SIGTERM (stack.ts)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { productBundleOptions } from '../../src/runtime/workflow-bundle';
import { DEFAULT_CATALOGUE, startWasabiSandbox } from '../sandbox/wasabi';
import { measureHistoryGrowth } from './history-growth';

/**
 * The sandbox as `cardflow sandbox wasabi` runs it, with the keys the bench generated, and one
 * change: the catalogue's per-type card limit (100, counting closed cards) is lifted, since a
 * run opens thousands of cards.
 */
async function sandbox(keyDir: string, port: number, timeScale: number): Promise<number> {
  const read = (name: string) => readFileSync(join(keyDir, name), 'utf8');
  const server = await startWasabiSandbox({
    port,
    merchantPublicKey: read('merchant.public.pem'),
    platformPrivateKey: read('platform.private.pem'),
    apiKey: read('api-key').trim(),
    timeScale,
    merchantBalance: '1000000000',
    catalogue: DEFAULT_CATALOGUE.map((type) => ({ ...type, maxCount: Number.MAX_SAFE_INTEGER })),
    onError: (error) => console.error('sandbox error', error),
  });
  console.log(`WasabiCard sandbox listening on ${server.url}`);
  await new Promise<void>((done) => {
    process.once('SIGTERM', () => done());
    process.once('SIGINT', () => done());
  });
  await server.close();
  return 0;
}

const quiet = () => undefined;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'bundle' && args[0]) {
    const logger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error };
    const { code } = await bundleWorkflowCode(productBundleOptions({ logger }));
    writeFileSync(args[0], code);
    return 0;
  }
  if (command === 'history-growth' && args[0] && args[1]) {
    const result = await measureHistoryGrowth({ bundlePath: args[0], pollInterval: args[1] });
    console.log(JSON.stringify(result));
    return 0;
  }
  if (command === 'sandbox' && args[0] && args[1] && args[2]) {
    return sandbox(args[0], Number(args[1]), Number(args[2]));
  }
  console.error(
    'usage: child.ts sandbox <keyDir> <port> <timeScale> | bundle <out.js> | history-growth <bundle.js> <pollInterval>',
  );
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
