// The business keys that address a flow without its workflow id (`workflowIds` makes the id).
import type { Provider } from '../contract';

export interface ActivationKey {
  provider: Provider;
  customerRef: string;
  requestRef: string;
}

export interface CardKey {
  provider: Provider;
  cardRef: string;
}
