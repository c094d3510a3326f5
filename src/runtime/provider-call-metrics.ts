// Provider requests as worker metrics: every request the HTTP layer reports (call-observer.ts)
// becomes a latency sample and a count by provider, operation and outcome, on the SDK runtime's
// meter, so they are scraped from the same Prometheus endpoint as Temporal's own metrics.
import type { MetricMeter } from '@temporalio/common';
import { setProviderCallObserver } from '../providers/call-observer';

export const PROVIDER_CALL_METRICS = {
  /** Histogram in milliseconds (buckets in temporal-runtime.ts). */
  latency: 'cardflow_provider_request_latency',
  requests: 'cardflow_provider_requests',
} as const;

/** Bucket bounds (ms) for provider latency: providers answer in tens of ms to tens of seconds. */
export const PROVIDER_LATENCY_BUCKETS_MS = [25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 20_000, 30_000];

export function recordProviderCalls(meter: MetricMeter): void {
  const latency = meter.createHistogram(
    PROVIDER_CALL_METRICS.latency,
    'int',
    'ms',
    'provider request latency, by provider, operation and outcome',
  );
  const requests = meter.createCounter(
    PROVIDER_CALL_METRICS.requests,
    'requests',
    'provider requests, by provider, operation and outcome',
  );
  setProviderCallObserver((call) => {
    const tags = { provider: call.provider, operation: call.operation, outcome: call.outcome };
    latency.record(Math.round(call.seconds * 1000), tags);
    requests.add(1, tags);
  });
}
