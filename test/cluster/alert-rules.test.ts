// The alert rules under Prometheus's own checker (issue 23, item 4): `promtool check rules` on
// ops/prometheus/cardflow-alerts.yml, `promtool test rules` on its unit tests, and every query of
// the Grafana dashboard parsed by promtool as well (as recording rules). promtool is built from the
// Go module proxy and cached by scripts/install-promtool.sh (CI: the cluster prerequisites step);
// a missing promtool fails here, never skips.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { projectRoot } from '../../src/config/project-root';
import {
  ALERT_RULE_TESTS_PATH,
  ALERT_RULES_PATH,
  dashboardQueries,
  withGrafanaVariablesResolved,
} from '../helpers/ops-queries';

/** Where scripts/install-promtool.sh caches the pinned promtool (or CARDFLOW_PROMTOOL). */
function promtool(): string {
  const pinned = (
    JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as {
      cardflow: { promtool: string };
    }
  ).cardflow.promtool;
  const cacheHome = process.env.XDG_CACHE_HOME || join(process.env.HOME || homedir(), '.cache');
  const path =
    process.env.CARDFLOW_PROMTOOL || join(cacheHome, 'cardflow', 'promtool', `v${pinned}`, 'bin', 'promtool');
  try {
    accessSync(path, constants.X_OK);
  } catch {
    assert.fail(`promtool ${pinned} is not installed at ${path}: run bash scripts/install-promtool.sh`);
  }
  return path;
}

function run(args: string[], cwd = projectRoot()): string {
  const result = spawnSync(promtool(), args, { cwd, encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  assert.equal(result.status, 0, `promtool ${args.join(' ')}:\n${output}`);
  return output;
}

test('promtool check rules: the alert rules are valid', () => {
  assert.match(run(['check', 'rules', ALERT_RULES_PATH]), /SUCCESS: \d+ rules found/);
});

test('promtool test rules: each alert fires on its series and stays quiet on healthy ones', () => {
  assert.match(run(['test', 'rules', ALERT_RULE_TESTS_PATH]), /SUCCESS/);
});

test('promtool parses every query of the Grafana dashboard', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cardflow-dashboard-rules-'));
  try {
    const rules = dashboardQueries().map(({ expr }, i) => ({
      record: `cardflow:dashboard_query_${i}`,
      expr: withGrafanaVariablesResolved(expr),
    }));
    const file = join(dir, 'dashboard-queries.yml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
    assert.match(run(['check', 'rules', file]), new RegExp(`SUCCESS: ${rules.length} rules found`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
