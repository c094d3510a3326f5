// The WasabiCard sandbox's one state: every record the engine keeps, its ids and its dependencies,
// handed to the domain modules (cardholders, card orders, spend, 3DS, accounts) as `ctx`.
import { SandboxIds } from './ids';
import type {
  AuthRecord,
  EngineDeps,
  FeeRecord,
  HolderScript,
  OrderScript,
  SandboxAccount,
  SandboxCard,
  SandboxHolder,
  SandboxOrder,
  ThreeDsRecord,
} from './model';

export interface EngineContext {
  readonly deps: EngineDeps;
  readonly ids: SandboxIds;
  /** The merchant's main (WALLET) account. */
  readonly accountId: string;
  readonly accounts: Map<string, SandboxAccount>;
  readonly holders: Map<string, SandboxHolder>;
  readonly cards: Map<string, SandboxCard>;
  readonly orders: SandboxOrder[];
  readonly auths: AuthRecord[];
  readonly fees: FeeRecord[];
  readonly threeDs: ThreeDsRecord[];
  readonly files: Map<string, { bytes: number; name: string }>;
  /** merchantOrderNo per namespace (card orders, holders, email changes). */
  readonly usedOrderNos: Set<string>;
  readonly orderScripts: Array<OrderScript & { left: number }>;
  readonly holderScripts: Array<HolderScript & { left: number }>;
  /** The cardholder's messages (activation codes) by cardNo: stands in for the physical card mailer. */
  readonly inbox: Map<string, string[]>;
  /** Email changes waiting for `advance()` when orders do not advance on their own. */
  readonly pendingEmailChanges: Array<() => void>;
}

/** An empty sandbox with its main wallet account (the ledger side is opened by the engine). */
export function createEngineContext(deps: EngineDeps): EngineContext {
  const ids = new SandboxIds(deps.seed);
  const accountId = ids.longId();
  return {
    deps,
    ids,
    accountId,
    accounts: new Map([[accountId, { accountId, accountName: 'Sandbox wallet', accountType: 'WALLET' }]]),
    holders: new Map(),
    cards: new Map(),
    orders: [],
    auths: [],
    fees: [],
    threeDs: [],
    files: new Map(),
    usedOrderNos: new Set(),
    orderScripts: [],
    holderScripts: [],
    inbox: new Map(),
    pendingEmailChanges: [],
  };
}
