// The activities registered on a worker, built from injected clients and stores. A provider that
// is not configured has no client; its activities then fail clearly instead of calling anything.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { setAbortSignalSource } from '../src/providers/http';
import type { DocumentStore } from '../src/documents/document-store';
import type { KazepayClient } from '../src/providers/kazepay/client';
import type { WasabiClient } from '../src/providers/wasabi/client';
import type { SecretStore } from '../src/security/secret-store';
import { createDocumentActivities } from './documents';
import { followDeposit } from './existing-deposit';
import type { CardflowActivities } from './interface';
import { createKazepayActivities, type KazepayConventions } from './kazepay/activities';
import { createWasabiActivities, type WasabiConventions } from './wasabi/activities';

export type { CardflowActivities } from './interface';

export interface ActivityDependencies {
  kazepay?: KazepayClient;
  kazepayConventions?: Partial<KazepayConventions>;
  wasabi?: WasabiClient;
  wasabiConventions?: Partial<WasabiConventions>;
  documents: DocumentStore;
  secrets: SecretStore;
}

function unconfigured<T extends object>(provider: string, names: readonly string[]): T {
  return Object.fromEntries(
    names.map((name) => [
      name,
      async () => {
        throw ApplicationFailure.create({
          type: 'ProviderNotConfigured',
          message: `${provider} is not configured on this worker`,
          nonRetryable: true,
        });
      },
    ]),
  ) as T;
}

export function createActivities(deps: ActivityDependencies): CardflowActivities {
  const { documents, secrets } = deps;
  // A provider request is abandoned when its activity is cancelled (or timed out by the worker).
  setAbortSignalSource(activitySignal);
  const kazepay = deps.kazepay
    ? createKazepayActivities({
        client: deps.kazepay,
        documents,
        secrets,
        ...(deps.kazepayConventions ? { conventions: deps.kazepayConventions } : {}),
      })
    : undefined;
  const wasabi = deps.wasabi
    ? createWasabiActivities({
        client: deps.wasabi,
        documents,
        secrets,
        ...(deps.wasabiConventions ? { conventions: deps.wasabiConventions } : {}),
      })
    : undefined;
  // The names come from a configured instance when there is one; both sets are plain objects.
  const kazepayNames = Object.keys(kazepay ?? createKazepayActivities({} as never));
  const wasabiNames = Object.keys(wasabi ?? createWasabiActivities({} as never));
  return {
    followDeposit,
    ...createDocumentActivities(documents),
    ...(kazepay ?? unconfigured('KazePay', kazepayNames)),
    ...(wasabi ?? unconfigured('WasabiCard', wasabiNames)),
  } as CardflowActivities;
}

/** The running activity's cancellation signal; none outside an activity (a CLI, a test). */
function activitySignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}
