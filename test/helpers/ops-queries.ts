// The PromQL the operations files hold (ops/grafana/cardflow.json, ops/prometheus/cardflow-alerts.yml)
// and the metric names each query reads, for the tests that check them against what is exported.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../src/config/project-root';

export const DASHBOARD_PATH = join(projectRoot(), 'ops', 'grafana', 'cardflow.json');
export const ALERT_RULES_PATH = join(projectRoot(), 'ops', 'prometheus', 'cardflow-alerts.yml');
export const ALERT_RULE_TESTS_PATH = join(projectRoot(), 'ops', 'prometheus', 'cardflow-alerts.test.yml');

export interface Query {
  /** Where it is: the panel's or the alert's title. */
  where: string;
  expr: string;
}

interface DashboardPanel {
  title: string;
  type: string;
  targets?: { expr: string }[];
}

export function dashboardQueries(): Query[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as { panels: DashboardPanel[] };
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr })),
  );
}

export function alertQueries(): Query[] {
  const rules = parse(readFileSync(ALERT_RULES_PATH, 'utf8')) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  };
  return rules.groups.flatMap((group) =>
    group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
  );
}

/** Grafana's range variables in PromQL Prometheus itself accepts. */
export const withGrafanaVariablesResolved = (expr: string) =>
  expr.replace(/\$__rate_interval|\$__range/g, '5m');

const PROMQL_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
]);

/**
 * The metric names an expression reads: every identifier that is neither a function (followed by
 * `(`), a keyword, a label inside `{...}` or `by (...)`, nor inside a string or range.
 */
export function metricNames(expr: string): string[] {
  const bare = withGrafanaVariablesResolved(expr)
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = match[0];
    const next = bare.slice((match.index ?? 0) + name.length).trimStart();
    if (next.startsWith('(') || PROMQL_KEYWORDS.has(name)) continue;
    names.add(name);
  }
  return [...names];
}
