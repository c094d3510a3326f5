// The search attributes a flow starts with: the one builder every door uses. Opaque references
// only (src/contract/search-attributes.ts), and the CardState the flow begins in where it is fixed
// (src/contract/initial-states.ts); the flow sets every later state itself.
import type { SearchAttributePair } from '@temporalio/common';
import {
  CardFlow,
  CardProvider,
  CardRef,
  CardState,
  CustomerRef,
  initialStateOf,
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
  const initialState = initialStateOf(type);
  return [
    { key: CardFlow, value: type },
    { key: CardProvider, value: refs.provider },
    ...(initialState ? [{ key: CardState, value: initialState }] : []),
    ...(refs.customerRef ? [{ key: CustomerRef, value: refs.customerRef }] : []),
    ...(refs.cardRef ? [{ key: CardRef, value: refs.cardRef }] : []),
    ...(notificationKey ? [{ key: NotificationKey, value: notificationKey }] : []),
  ];
}
