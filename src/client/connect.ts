// A cardflow client from connection settings, for services and the CLI.
import { connectClient, type TemporalTarget, temporalTarget } from '../config/temporal-connection';
import { type CodecKeyring, loadCodecKeyring } from '../security/codec-keys';
import { createDataConverter } from '../security/data-converter';
import { createCardflowClient } from './cardflow-client';

/**
 * The Temporal target from TEMPORAL_* (envconfig) and the codec keyring from CARDFLOW_CODEC_KEYS,
 * unless given. Close `connection` when done.
 */
export async function connectCardflowClient(
  options: { target?: TemporalTarget; keyring?: CodecKeyring; env?: NodeJS.ProcessEnv } = {},
) {
  const env = options.env ?? process.env;
  const keyring = options.keyring ?? loadCodecKeyring({ env }).keyring;
  const { client, connection } = await connectClient(
    options.target ?? temporalTarget(env),
    createDataConverter(keyring),
  );
  return { cardflow: createCardflowClient({ client }), connection };
}
