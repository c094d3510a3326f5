// What buildApi is given (BuildApiOptions) and what each route module is handed (ApiContext).
import type { KeyObject } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { AuditLog } from '../audit/audit-log';
import type { DocumentStore } from '../documents/document-store';
import type { Logger } from '../logging/logger';
import type { KazepayClient } from '../providers/kazepay/client';
import type { KazepayWebhookEvents } from '../providers/kazepay/conventions';
import type { WasabiClient } from '../providers/wasabi/client';
import type { WebhookDedupeStore } from '../providers/webhook-dedupe';
import type { WasabiWebhookOptions } from '../providers/wasabi/webhooks';
import type { ApiCredential } from '../security/api-credentials';
import type { CodecKeyring } from '../security/codec-keys';
import type { SecretStore } from '../security/secret-store';
import type { FlowAccess } from './flow-access';
import type { RouteTable } from './route-table';
import type { NotificationRouter } from './webhooks';

export const DEFAULT_API_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_DOCUMENT_LIMIT = 10 * 1024 * 1024;

export interface BuildApiOptions {
  /** A Temporal client with the engine's data converter. */
  client: Client;
  /** Named credentials with scopes, by token hash (several, so they can rotate). */
  credentials?: readonly ApiCredential[];
  /** Bare bearer tokens, each with every scope (the legacy CARDFLOW_API_TOKENS; tests). */
  tokens?: readonly string[];
  /** Where each state-changing request is recorded; default: in memory (tests). */
  audit?: AuditLog;
  logger: Logger;
  /** Where PINs and card numbers go; only handles reach the workflows. */
  secrets: SecretStore;
  /** Where KYC document uploads go. */
  documents: DocumentStore;
  /** Provider clients for the support reads (and KazePay webhook opening). */
  wasabi?: WasabiClient;
  kazepay?: KazepayClient;
  /** Enables `/webhooks/wasabi`: the platform key its signatures verify with. */
  wasabiWebhook?: {
    platformPublicKey: string | KeyObject;
    dedupe?: WebhookDedupeStore;
    ackVariant?: 'english-doc' | 'chinese-doc';
    categoryAliases?: WasabiWebhookOptions['categoryAliases'];
  };
  /** Enables `/webhooks/kazepay`: the client whose keys open the envelope. */
  kazepayWebhook?: { client: KazepayClient; dedupe?: WebhookDedupeStore; events?: KazepayWebhookEvents };
  taskQueue?: string;
  bodyLimitBytes?: number;
  documentLimitBytes?: number;
  /** How many webhook outcomes the journal keeps (default 1000). */
  webhookJournalSize?: number;
  /**
   * The keys KazePay KYC notifications are routed by (src/client/notification-keys.ts). Default:
   * the codec keyring of the client's data converter, which every door of a deployment shares.
   */
  routingKeyring?: CodecKeyring;
}

/** One API's parts, shared by its route modules (Fastify plugin options). */
export interface ApiContext {
  options: BuildApiOptions;
  audit: AuditLog;
  taskQueue: string;
  table: RouteTable;
  flows: FlowAccess;
  router: NotificationRouter;
}
