// The NotificationKey search attribute: how a provider's notification names a flow that does not
// carry the card id it names (a KYC has no card; a WasabiCard issuance learns its card from the
// order the notification is about). Set when a flow starts (through this client, whichever door
// uses it) and looked up by the webhook router, so routing needs no memory of who started what.
//
// A KazePay kycStatusNotify names the applicant by email. An email is personal data and search
// attributes are not encrypted, so the key is an HMAC of the normalised email under a key derived
// (HKDF) from a codec key: no new secret to configure, nothing a reader of the visibility store can
// reverse or confirm by guessing. The digest is made with the current codec key; a lookup tries
// every key of the ring, so flows started before a key rotation are still found.
import { createHmac } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { type KycInput, providerOrderKey, type WorkflowType } from '../contract';
import type { CodecKeyring } from '../security/codec-keys';
import { derivedKeys } from '../security/derived-keys';
import { EncryptionCodec } from '../security/payload-codec';

/** Domain separation: the routing key is never the codec key itself. */
const ROUTING_KEY_INFO = 'cardflow notification routing v1';

const emailDigest = (key: Buffer, email: string) =>
  createHmac('sha256', key).update(email.trim().toLowerCase()).digest('hex');

/** The keyring of the client's encryption codec, if it has one. */
export function codecKeyringOf(client: Pick<Client, 'options'>): CodecKeyring | undefined {
  // A stand-in client (tests, offline checks) may have no options at all.
  const codecs = client.options?.dataConverter?.payloadCodecs ?? [];
  return codecs.find((codec): codec is EncryptionCodec => codec instanceof EncryptionCodec)?.keyring;
}

/** The key a WasabiCard `card_holder` notification's `merchantOrderNo` names its KYC by. */
export const wasabiHolderNotificationKey = (merchantOrderNo: string) => `wasabi-holder:${merchantOrderNo}`;

/**
 * The key a WasabiCard `card_transaction` notification's `merchantOrderNo` names its issuance by:
 * the open-card order's key (`providerOrderKey(workflowId, 'open')`), an opaque digest of the
 * workflow id (no personal data), known at start while the card id is known only from the order.
 */
export const wasabiOrderNotificationKey = (merchantOrderNo: string) => `wasabi-order:${merchantOrderNo}`;

/** Every key a KazePay KYC for `email` may carry: one per key of the ring, the current one first. */
export function kazepayEmailNotificationKeys(keyring: CodecKeyring, email: string): string[] {
  return derivedKeys(keyring, ROUTING_KEY_INFO).map((key) => `kazepay-email:${emailDigest(key, email)}`);
}

/** A KazePay KYC needs a keyring to be found by its notifications: say so rather than start a flow no webhook reaches. */
export class RoutingKeyringMissingError extends Error {
  override readonly name = 'RoutingKeyringMissingError';
  constructor() {
    super(
      'a KazePay KYC needs a keyring for its notification key: give the client a data converter with the codec (createDataConverter) or routingKeyring',
    );
  }
}

/** The NotificationKey a flow starts with, if its notifications need one. */
export function notificationKeyAtStart(
  type: WorkflowType,
  workflowId: string,
  input: unknown,
  keyring: CodecKeyring | undefined,
): string | undefined {
  // WasabiCard is the only issuer (the issuance input's provider is 'wasabi'); its open-card order
  // is keyed as workflows/wasabi/issuance.ts keys it.
  if (type === 'virtualCardIssuance') return wasabiOrderNotificationKey(providerOrderKey(workflowId, 'open'));
  if (type !== 'kycVerification') return undefined;
  const kyc = input as KycInput;
  if (kyc.provider === 'wasabi') return wasabiHolderNotificationKey(providerOrderKey(workflowId, 'holder'));
  if (!keyring) throw new RoutingKeyringMissingError();
  return kazepayEmailNotificationKeys(keyring, kyc.applicant.email)[0];
}
