// One flow's visible state: the `state` query, the CardState search attribute and the
// "current details" line of the Web UI move together, so operators always see the same thing.
import { setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import {
  CardFlow,
  CardProvider,
  CardRef,
  CardState,
  CustomerRef,
  type FlowStatus,
  type Provider,
  stateQuery,
  type WorkflowType,
} from '../../src/contract';

export class FlowTracker<S extends string> {
  private status: FlowStatus<S>;

  constructor(
    flow: WorkflowType,
    provider: Provider,
    initial: S,
    refs: { customerRef?: string; cardRef?: string },
  ) {
    this.status = { flow, provider, state: initial, since: new Date().toISOString() };
    setHandler(stateQuery, () => this.status);
    // Set here as well as at start, so flows started by any SDK or the CLI are searchable too.
    upsertSearchAttributes([
      { key: CardFlow, value: flow },
      { key: CardProvider, value: provider },
      { key: CardState, value: initial },
      ...(refs.customerRef ? [{ key: CustomerRef, value: refs.customerRef }] : []),
      ...(refs.cardRef ? [{ key: CardRef, value: refs.cardRef }] : []),
    ]);
    setCurrentDetails(initial);
  }

  get state(): S {
    return this.status.state;
  }

  set(state: S, detail?: string): void {
    this.status = {
      ...this.status,
      state,
      since: new Date().toISOString(),
      ...(detail ? { detail } : { detail: undefined }),
    };
    upsertSearchAttributes([{ key: CardState, value: state }]);
    setCurrentDetails(detail ? `${state}: ${detail}` : state);
  }

  /** Records the provider's card id once known (never a card number). */
  setCardRef(cardRef: string): void {
    upsertSearchAttributes([{ key: CardRef, value: cardRef }]);
  }
}
