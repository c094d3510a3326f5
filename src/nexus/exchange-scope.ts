// Which of cardflow's payloads cross the Nexus endpoint, and so go under the exchange keyring
// (src/security/exchange-codec.ts; the reasoning is in docs/nexus.md):
// - payloads with no serialization context: on the worker, those are the Nexus handler's input
//   and sync output (and its operation failures);
// - the payloads of the five flows Nexus can start or attach to (workflow context, by workflow id):
//   a workflow-run operation's result is the flow's completion payload, forwarded by the server to
//   the caller as it is stored, and any run of that id may be the one a caller attaches to.
// Activity payloads (what providers answer, card secrets by handle) and the card account's
// workflow stay under cardflow's own keys.
import type { SerializationContext } from '@temporalio/common';
import type { CodecKeyring } from '../security/codec-keys';
import type { ExchangeScope } from '../security/exchange-codec';

/** The workflow id prefixes of the flows the service's workflow-run operations start (`workflowIds`). */
const NEXUS_FLOW_PREFIXES = ['kyc:', 'activation:', 'issuance:', 'deposit:', 'closure:'];

export function crossesToCaller(context: SerializationContext | undefined): boolean {
  if (context === undefined) return true;
  return context.type === 'workflow' && NEXUS_FLOW_PREFIXES.some((p) => context.workflowId.startsWith(p));
}

/** cardflow's side of the exchange: for the worker's data converter. */
export function cardflowExchangeScope(keyring: CodecKeyring): ExchangeScope {
  return { keyring, crosses: crossesToCaller };
}

/**
 * A TypeScript caller's side: the SDK encodes a Nexus operation's input in the calling workflow's
 * context and decodes its result there too, so the payloads of the caller's workflows go under
 * the exchange keyring; its activities' payloads stay under the caller's own keys.
 */
export function callerExchangeScope(keyring: CodecKeyring): ExchangeScope {
  return { keyring, crosses: (context) => context?.type === 'workflow' };
}
