// One flow's visible state: the `state` query, the CardState search attribute and the
// "current details" line of the Web UI move together, so operators always see the same thing.
import { setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { type FlowStatus, type Provider, type WorkflowType } from '../../src/contract/common';
import { stateQuery } from '../../src/contract/message-definitions';
import {
  CardFlow,
  CardProvider,
  CardRef,
  CardState,
  CustomerRef,
} from '../../src/contract/search-attributes';
import { NEEDS_RECONCILIATION } from '../../src/contract/failures';
import { countNeedsReconciliation } from './metrics';

/** One of the flow's keyword search attributes and its value. */
type Pair = {
  key: typeof CardFlow | typeof CardProvider | typeof CardState | typeof CustomerRef | typeof CardRef;
  value: string;
};

export class FlowTracker<S extends string> {
  private status: FlowStatus<S>;
  /** The values last upserted (or given at start), by attribute name: only changes are upserted. */
  private readonly upserted = new Map<string, string>();
  /** A card reference waiting to join the next state upsert. */
  private pendingCardRef: string | undefined;

  constructor(
    flow: WorkflowType,
    provider: Provider,
    initial: S,
    refs: { customerRef?: string; cardRef?: string },
  ) {
    this.status = { flow, provider, state: initial, since: new Date().toISOString() };
    setHandler(stateQuery, () => this.status);
    const pairs: Pair[] = [
      { key: CardFlow, value: flow },
      { key: CardProvider, value: provider },
      { key: CardState, value: initial },
      ...(refs.customerRef ? [{ key: CustomerRef, value: refs.customerRef }] : []),
      ...(refs.cardRef ? [{ key: CardRef, value: refs.cardRef }] : []),
    ];
    // What the start (or the run before a continue-as-new) already set needs no upsert.
    const given = workflowInfo().typedSearchAttributes;
    for (const { key } of pairs) {
      const value = given.get(key as typeof CardState);
      if (typeof value === 'string') this.upserted.set(key.name, value);
    }
    // Set here as well as at start, so flows started by any SDK or the CLI are searchable too.
    this.upsert(pairs);
    setCurrentDetails(initial);
  }

  get state(): S {
    return this.status.state;
  }

  set(state: S, detail?: string): void {
    if (state === NEEDS_RECONCILIATION && this.status.state !== state) countNeedsReconciliation();
    this.status = {
      ...this.status,
      state,
      since: new Date().toISOString(),
      ...(detail ? { detail } : { detail: undefined }),
    };
    const cardRef = this.pendingCardRef;
    this.pendingCardRef = undefined;
    this.upsert([{ key: CardState, value: state }, ...(cardRef ? [{ key: CardRef, value: cardRef }] : [])]);
    setCurrentDetails(detail ? `${state}: ${detail}` : state);
  }

  /** Records the provider's card id once known (never a card number). */
  setCardRef(cardRef: string): void {
    // Upserted with the state change that always follows.
    this.pendingCardRef = cardRef;
  }

  private upsert(pairs: Pair[]): void {
    const changed = pairs.filter(({ key, value }) => this.upserted.get(key.name) !== value);
    if (changed.length === 0) return;
    for (const { key, value } of changed) this.upserted.set(key.name, value);
    upsertSearchAttributes(changed);
  }
}
