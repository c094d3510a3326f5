// Principle 3: after an unknown outcome on a call that moves money or state, read the provider's
// state before sending anything again, and never send again on a guess.
//
// A call answered "ambiguous" (no answer in time, connection cut after sending) may still land
// at the provider after the client gave up, and provider listings lag. So the flow lets the
// provider settle, reads, and if the read shows nothing, settles and reads once more. Only two
// reads that both show "not applied" allow a resend (at most MAX_SENDS in all). A read that
// cannot tell (it fails, or finds more than one candidate) stops the flow in
// NEEDS_RECONCILIATION until an operator resolves it with the `resolveOutcome` update.
/* eslint-disable @typescript-eslint/no-require-imports -- the schema loads when an operator is awaited, see awaitOperator */
import { condition, setHandler, sleep } from '@temporalio/workflow';
import type { ReconcileOptions } from '../../src/contract/common';
import { FAILURE_TYPES, NEEDS_RECONCILIATION } from '../../src/contract/failures';
import { type OutcomeResolution, resolveOutcomeUpdate } from '../../src/contract/message-definitions';
import type * as Messages from '../../src/contract/messages';
import { durationMs } from './durations';
import { activityErrorType, applicationCause, failFlow } from './failures';
import type { FlowTracker } from './flow-tracker';

/** Sends in all, each after the one before it was shown not to have applied. */
const MAX_SENDS = 5;
const DEFAULTS = { settle: '30s', resolveWithin: '30d' };

export interface ReconcileSpec<T> {
  /** What is sent, for the flow's state detail (no personal or card data). */
  what: string;
  send: () => Promise<T>;
  /** What the provider shows now: the effect of an earlier send, or null when there is none. */
  reconcile: () => Promise<T | null>;
  /** Whether an operator's "applied" must name the provider's transaction id (the step follows it). */
  needsTransactionId?: boolean;
  /** The result an operator's "applied" resolution stands for. */
  fromResolution: (resolution: Extract<OutcomeResolution, { applied: true }>) => Promise<T> | T;
  tracker: FlowTracker<string>;
  options?: ReconcileOptions;
}

type ReadVerdict<T> =
  { kind: 'applied'; value: T } | { kind: 'not-applied' } | { kind: 'unknown'; why: string };

export async function sendReconciled<T>(spec: ReconcileSpec<T>): Promise<T> {
  const settleMs = durationMs(spec.options?.settle ?? DEFAULTS.settle);
  for (let sent = 1; ; sent++) {
    const state = spec.tracker.state;
    try {
      return await spec.send();
    } catch (error) {
      if (activityErrorType(error) !== 'ProviderAmbiguousError') throw error;
    }
    spec.tracker.set('RECONCILING', `${spec.what}: outcome unknown; reading the provider`);
    const verdict = await readTwice(spec, settleMs);
    if (verdict.kind === 'applied') {
      spec.tracker.set(state, `${spec.what}: found at the provider`);
      return verdict.value;
    }
    if (verdict.kind === 'not-applied' && sent < MAX_SENDS) {
      spec.tracker.set(state, `${spec.what}: not applied (read twice); sending again`);
      continue;
    }
    const why =
      verdict.kind === 'unknown'
        ? verdict.why
        : `${sent} sends without an answer, none found at the provider`;
    const resolution = await awaitOperator(spec, why);
    if (resolution.applied) {
      const value = await spec.fromResolution(resolution);
      spec.tracker.set(state, `${spec.what}: resolved by an operator as applied`);
      return value;
    }
    // The operator checked the provider: nothing happened. A fresh series of sends.
    spec.tracker.set(state, `${spec.what}: resolved by an operator as not applied; sending again`);
    sent = 0;
  }
}

async function readTwice<T>(spec: ReconcileSpec<T>, settleMs: number): Promise<ReadVerdict<T>> {
  for (let read = 1; read <= 2; read++) {
    await sleep(settleMs);
    let found: T | null;
    try {
      found = await spec.reconcile();
    } catch (error) {
      const cause = applicationCause(error);
      const why = cause?.message ?? (error instanceof Error ? error.message : String(error));
      return { kind: 'unknown', why: `the reads could not tell (${cause?.type ?? 'error'}: ${why})` };
    }
    if (found !== null) return { kind: 'applied', value: found };
  }
  return { kind: 'not-applied' };
}

/** Waits in NEEDS_RECONCILIATION for an operator's resolution, bounded by `resolveWithin`. */
export async function awaitOperator(
  spec: Pick<ReconcileSpec<unknown>, 'what' | 'tracker' | 'options' | 'needsTransactionId'>,
  why: string,
): Promise<OutcomeResolution> {
  let resolution: OutcomeResolution | undefined;
  // Loaded here, not at the top: the SDK evaluates a flow's modules for every execution, and only
  // a flow that waits for an operator needs this zod schema (docs/benchmark.md). Issues no command.
  const { outcomeResolutionSchema } = require('../../src/contract/messages') as typeof Messages;
  setHandler(
    resolveOutcomeUpdate,
    (arg) => {
      resolution = outcomeResolutionSchema.parse(arg);
      return { accepted: true as const };
    },
    {
      validator: (arg) => {
        const parsed = outcomeResolutionSchema.safeParse(arg);
        if (!parsed.success)
          throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        if (resolution !== undefined || spec.tracker.state !== NEEDS_RECONCILIATION)
          throw new Error(`no outcome awaits a resolution (state is ${spec.tracker.state})`);
        // Refuse at the door what the step cannot use (e.g. "applied" without a transaction id).
        if (parsed.data.applied && spec.needsTransactionId && !parsed.data.transactionId)
          throw new Error(`transactionId: required to resolve ${spec.what} as applied`);
      },
    },
  );
  spec.tracker.set(NEEDS_RECONCILIATION, `${spec.what}: ${why}`);
  const resolveWithin = durationMs(spec.options?.resolveWithin ?? DEFAULTS.resolveWithin);
  const resolved = await condition(() => resolution !== undefined, resolveWithin);
  if (!resolved || !resolution)
    failFlow(spec.tracker, FAILURE_TYPES.outcomeUnknown, `${spec.what}: ${why}; nobody resolved it in time`);
  const noted = resolution.note ? ` (${resolution.note})` : '';
  spec.tracker.set(
    NEEDS_RECONCILIATION,
    `${spec.what}: resolved as ${resolution.applied ? 'applied' : 'not applied'}${noted}`,
  );
  return resolution;
}
