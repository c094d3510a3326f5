// GET /metrics: the API process's own metrics in Prometheus text format, behind the same bearer
// token as the API (Prometheus sends it with `authorization.credentials_file`). The worker's
// metrics are on the worker's endpoint; this process has no Temporal runtime meter. Kept out of the
// OpenAPI document: it is for the monitoring system, not for the API's callers.
//
//   cardflow_webhook_notifications{provider,outcome}     notifications by what was done with them
//   cardflow_webhook_verification_failures{provider}     notifications whose signature or envelope
//                                                        could not be verified (refused)
//   cardflow_flows_in_needs_reconciliation               running flows waiting for a person, read
//                                                        from visibility at each scrape
import type { FastifyInstance } from 'fastify';
import { NEEDS_RECONCILIATION } from '../../contract/failures';
import type { ApiContext } from '../api-context';
import { type MetricFamily, PROMETHEUS_CONTENT_TYPE, renderPrometheusText } from '../prometheus-text';

export const API_METRICS = {
  webhookNotifications: 'cardflow_webhook_notifications',
  webhookVerificationFailures: 'cardflow_webhook_verification_failures',
  flowsInNeedsReconciliation: 'cardflow_flows_in_needs_reconciliation',
} as const;

/** The visibility query of the gauge: running flows whose CardState asks for a person. */
export const NEEDS_RECONCILIATION_QUERY = `CardState = '${NEEDS_RECONCILIATION}' AND ExecutionStatus = 'Running'`;

export async function metricsRoutes(app: FastifyInstance, { options, router }: ApiContext): Promise<void> {
  app.route({
    method: 'GET',
    url: '/metrics',
    config: { public: false, scope: 'metrics:read' },
    handler: async (_request, reply) => {
      const totals = router.journal.outcomeTotals();
      const families: MetricFamily[] = [
        {
          name: API_METRICS.webhookNotifications,
          help: 'provider notifications received, by what was done with them',
          type: 'counter',
          samples: totals.map(({ provider, outcome, count }) => ({
            labels: { provider, outcome },
            value: count,
          })),
        },
        {
          name: API_METRICS.webhookVerificationFailures,
          help: 'provider notifications refused because their signature or envelope did not verify',
          type: 'counter',
          samples: (['kazepay', 'wasabi'] as const).map((provider) => ({
            labels: { provider },
            value: totals.find((t) => t.provider === provider && t.outcome === 'refused')?.count ?? 0,
          })),
        },
      ];
      try {
        const { count } = await options.client.workflow.count(NEEDS_RECONCILIATION_QUERY);
        families.push({
          name: API_METRICS.flowsInNeedsReconciliation,
          help: 'running flows in NEEDS_RECONCILIATION (from visibility)',
          type: 'gauge',
          samples: [{ value: count }],
        });
      } catch (error) {
        // Without visibility the gauge is left out (the alert on its absence fires), never a guess.
        options.logger.warn({ err: (error as Error).message }, 'metrics: the visibility count failed');
      }
      return reply.header('content-type', PROMETHEUS_CONTENT_TYPE).send(renderPrometheusText(families));
    },
  });
}
