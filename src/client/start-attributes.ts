// The search attributes a flow starts with: the one builder every door uses. Opaque references
// only (src/contract/search-attributes.ts); the flow sets its CardState itself.
import type { SearchAttributePair } from '@temporalio/common';
import {
  CardFlow,
  CardProvider,
  CardRef,
  CustomerRef,
  NotificationKey,
  type WorkflowType,
} from '../contract';
import type { CodecKeyring } from '../security/codec-keys';
import { notificationKeyAtStart } from './notification-keys';

/** `input`: the workflow input, checked by the contract's schema. */
export function startAttributes(
  type: WorkflowType,
  workflowId: string,
  input: unknown,
  routingKeyring: CodecKeyring | undefined,
): SearchAttributePair[] {
  const refs = input as { provider: string; customerRef?: string; cardRef?: string };
  const notificationKey = notificationKeyAtStart(type, workflowId, input, routingKeyring);
  return [
    { key: CardFlow, value: type },
    { key: CardProvider, value: refs.provider },
    ...(refs.customerRef ? [{ key: CustomerRef, value: refs.customerRef }] : []),
    ...(refs.cardRef ? [{ key: CardRef, value: refs.cardRef }] : []),
    ...(notificationKey ? [{ key: NotificationKey, value: notificationKey }] : []),
  ];
}
