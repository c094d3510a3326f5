// The one data converter of cardflow: the same on the client, the worker, the replayer and the
// API, so every side reads what the others wrote.
//
//   const { keyring } = loadCodecKeyring();             // codec-keys.ts
//   const dataConverter = createDataConverter(keyring);
//
//   new Client({ connection, namespace, dataConverter });
//   Worker.create({ ..., dataConverter,
//     // a pre-built bundle does not see the worker's dataConverter: give the bundler the path too
//     workflowBundle: await bundleWorkflowCode({ workflowsPath, ...workflowBundleConverterOptions }) });
//   Worker.runReplayHistories({ workflowBundle, dataConverter }, histories);
//
// How the SDK (1.24) uses the pieces: `payloadCodecs` run outside the workflow sandbox (on the
// worker's main thread, the client, the replayer) and encrypt or decrypt every payload on the
// way to and from the server. The failure converter is given by module path
// (`failureConverterPath`) because it is also needed inside the sandbox, where workflow errors
// become Failures: `Worker.create` passes the path to the bundler when it bundles from
// `workflowsPath`, while `bundleWorkflowCode` (pre-built bundles: production, tests, replay)
// must be given it explicitly, as `workflowBundleConverterOptions` does. Without it, workflow
// failure messages would be stored in clear text (activity failures would still be encoded).
import type { DataConverter } from '@temporalio/common';
import type { CodecKeyring } from './codec-keys';
import { type ExchangeScope, ScopedEncryptionCodec } from './exchange-codec';
import { EncryptionCodec } from './payload-codec';

/** Module path of the encoding failure converter (failure-converter.ts, or .js once built). */
export const failureConverterPath: string = require.resolve('./failure-converter');

/** Spread into `bundleWorkflowCode({ workflowsPath, ...workflowBundleConverterOptions })`. */
export const workflowBundleConverterOptions: { failureConverterPath: string } = { failureConverterPath };

/**
 * The DataConverter for client, worker, replayer and API: the encryption codec over every payload
 * and failures with message and stack trace encoded (and so encrypted).
 */
export function createDataConverter(keyring: CodecKeyring, exchange?: ExchangeScope): DataConverter {
  return {
    // With an exchange scope (a Nexus worker or caller), what crosses the endpoint uses its keyring.
    payloadCodecs: [exchange ? new ScopedEncryptionCodec(keyring, exchange) : new EncryptionCodec(keyring)],
    failureConverterPath,
  };
}
