// The engine's business metrics from workflow code, through the SDK's workflow metric meter: it
// emits nothing while a history is replayed (so a flow is counted once however often a worker
// replays it) and issues no command, so histories are unchanged. The worker exports them on its
// Prometheus endpoint beside Temporal's own (CARDFLOW_METRICS_BIND_ADDRESS).
//
// This module is also the bundle's workflow interceptor module (src/runtime/workflow-bundle.ts):
// `interceptors` counts every flow's start and end around its main function, whatever workflow it is.
//
// Labels are bounded sets only (workflow type, provider, outcome, failure type, result): never a
// reference, an amount or anything a caller typed.
import {
  ApplicationFailure,
  ContinueAsNew,
  isCancellation,
  metricMeter,
  TemporalFailure,
  workflowInfo,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { FAILURE_TYPES } from '../../src/contract/failures';
import { CardProvider } from '../../src/contract/search-attributes';

/** Metric names as exported (the Prometheus exporter adds `_total` to counters). */
export const FLOW_METRICS = {
  started: 'cardflow_flows_started',
  ended: 'cardflow_flows_ended',
  needsReconciliation: 'cardflow_flows_needs_reconciliation',
} as const;

const KNOWN_FAILURE_TYPES: ReadonlySet<string> = new Set(Object.values(FAILURE_TYPES));
/** A result's `outcome` field is a contract enum (PASSED, ACTIVE, SETTLED...): upper-case words. */
const RESULT_OUTCOME = /^[A-Z][A-Z_]{0,39}$/;

function provider(): string {
  const value = workflowInfo().typedSearchAttributes.get(CardProvider);
  return value === 'kazepay' || value === 'wasabi' ? value : 'unknown';
}

function resultOf(value: unknown): string {
  const outcome = (value as { outcome?: unknown } | null)?.outcome;
  return typeof outcome === 'string' && RESULT_OUTCOME.test(outcome) ? outcome : 'none';
}

function failureTypeOf(error: TemporalFailure): string {
  if (error instanceof ApplicationFailure)
    return error.type && KNOWN_FAILURE_TYPES.has(error.type) ? error.type : 'Other';
  return error.name;
}

/** A flow entered NEEDS_RECONCILIATION (a person must decide); called by the FlowTracker. */
export function countNeedsReconciliation(): void {
  metricMeter
    .createCounter(FLOW_METRICS.needsReconciliation, 'flows', 'flows that entered NEEDS_RECONCILIATION')
    .add(1, { provider: provider() });
}

function countEnded(tags: { outcome: string; failure_type: string; result: string }): void {
  metricMeter
    .createCounter(FLOW_METRICS.ended, 'flows', 'flows that ended, by outcome')
    .add(1, { provider: provider(), ...tags });
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        // A run continued from another is the same flow: counted when its first run started.
        if (!workflowInfo().continuedFromExecutionRunId)
          metricMeter
            .createCounter(FLOW_METRICS.started, 'flows', 'flows started')
            .add(1, { provider: provider() });
        try {
          const result = await next(input);
          countEnded({ outcome: 'completed', failure_type: 'none', result: resultOf(result) });
          return result;
        } catch (error) {
          if (error instanceof ContinueAsNew) throw error;
          if (isCancellation(error))
            countEnded({ outcome: 'cancelled', failure_type: 'none', result: 'none' });
          // Any other error fails the workflow task (retried), not the flow: nothing ended.
          else if (error instanceof TemporalFailure)
            countEnded({ outcome: 'failed', failure_type: failureTypeOf(error), result: 'none' });
          throw error;
        }
      },
    },
  ],
});
