// The Grafana dashboard (ops/grafana/cardflow.json) is one Grafana can import: a datasource
// variable, unique panel ids, every panel placed on the 24-column grid, every query on the
// Prometheus datasource variable; and the PromQL reader the metric-name checks rely on.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DASHBOARD_PATH, dashboardQueries, metricNames } from '../helpers/ops-queries';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr: string; datasource: { type: string; uid: string } }[];
}

test('the dashboard is importable Grafana JSON over the Prometheus datasource variable', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as {
    uid: string;
    title: string;
    schemaVersion: number;
    templating: { list: { name: string; type: string; query: string }[] };
    panels: Panel[];
  };
  assert.match(dashboard.uid, /^[a-zA-Z0-9_-]{1,40}$/);
  assert.ok(dashboard.title && dashboard.schemaVersion >= 36);
  assert.deepEqual(
    dashboard.templating.list.find((v) => v.name === 'datasource'),
    {
      name: 'datasource',
      label: 'Prometheus',
      type: 'datasource',
      query: 'prometheus',
      current: {},
      hide: 0,
    },
  );
  const ids = dashboard.panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
  for (const panel of dashboard.panels) {
    const { x, y, w, h } = panel.gridPos;
    assert.ok(x >= 0 && w > 0 && x + w <= 24 && y >= 0 && h > 0, `${panel.title}: on the grid`);
    if (panel.type === 'row') continue;
    assert.ok(['timeseries', 'stat'].includes(panel.type), `${panel.title}: ${panel.type}`);
    assert.deepEqual(panel.datasource, { type: 'prometheus', uid: '${datasource}' });
    assert.ok(panel.targets?.length, `${panel.title}: has queries`);
    for (const target of panel.targets ?? []) {
      assert.deepEqual(target.datasource, panel.datasource);
      assert.ok(target.expr.trim(), `${panel.title}: query ${target.refId}`);
    }
  }
  assert.ok(dashboardQueries().length >= 15);
});

test('metricNames reads the metrics of a query, not its functions, labels or keywords', () => {
  assert.deepEqual(
    metricNames(
      'histogram_quantile(0.99, sum by (provider, operation, le) (rate(cardflow_provider_request_latency_bucket{outcome!="ok"}[$__rate_interval])))',
    ),
    ['cardflow_provider_request_latency_bucket'],
  );
  assert.deepEqual(metricNames('count(up{job="cardflow-worker"} == 1) / on (job) group_left x_total'), [
    'up',
    'x_total',
  ]);
  assert.deepEqual(metricNames('absent(cardflow_flows_in_needs_reconciliation)'), [
    'cardflow_flows_in_needs_reconciliation',
  ]);
});
