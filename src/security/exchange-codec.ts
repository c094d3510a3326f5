// Payload encryption for what crosses a Nexus endpoint. A Nexus caller in another namespace must
// read what cardflow answers and cardflow must read what the caller sends, yet neither may hold
// the other's own payload keys. Both sides hold a third keyring, the exchange keyring (one per
// endpoint), and encrypt with it exactly the payloads that travel to the other side; everything
// else stays under each side's own keys. Decoding goes by the key id in the payload, so either
// keyring opens what it wrote.
//
// Which payloads travel is told by the SDK's serialization context (see docs/nexus.md): the
// handler worker decodes Nexus inputs and encodes sync results with no context; a workflow-run
// operation's result is the backing workflow's own completion payload, which the server forwards
// verbatim to the caller; the caller's worker encodes an operation's input in the calling
// workflow's context. Each side gives the rule (`crosses`) that names those contexts.
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { type CodecKeyring, withDecodingKeys } from './codec-keys';
import { decryptPayload, encryptPayload } from './payload-codec';

/** The exchange keyring and which payloads it encrypts. */
export interface ExchangeScope {
  keyring: CodecKeyring;
  /** True for a payload that travels through the Nexus endpoint to the other namespace. */
  crosses(context: SerializationContext | undefined): boolean;
}

export class ScopedEncryptionCodec implements PayloadCodec {
  private readonly anyKey: CodecKeyring;

  constructor(
    readonly own: CodecKeyring,
    readonly exchange: ExchangeScope,
  ) {
    // One ring for decoding: a key id must name one key only, or a payload could open under the wrong one.
    this.anyKey = withDecodingKeys(own, exchange.keyring);
  }

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const keyring = this.exchange.crosses(context) ? this.exchange.keyring : this.own;
    return payloads.map((p) => encryptPayload(p, keyring));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => decryptPayload(p, this.anyKey));
  }
}
