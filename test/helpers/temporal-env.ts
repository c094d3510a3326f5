// Real Temporal servers for tests, from the binaries resolved by src/runtime/temporal-binaries.ts.
import { TestWorkflowEnvironment, type LocalTestWorkflowEnvironmentOptions } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { CARD_SEARCH_ATTRIBUTES } from '../../src/contract/search-attributes';
import { temporalExecutable } from '../../src/runtime/temporal-binaries';
import { installTestRuntime, testLogLevel } from './test-log';

export const TEST_NAMESPACE = 'default';

/** The time-skipping server (long timers and retry schedules in milliseconds of real time). */
export async function startTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  installTestRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: temporalExecutable('test-server') },
  });
  // The test server takes no flags, so the project's search attributes are added at run time.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? TEST_NAMESPACE,
    searchAttributes: Object.fromEntries(
      CARD_SEARCH_ATTRIBUTES.map((key) => [
        key.name,
        temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
  return env;
}

/** A real dev server (`temporal server start-dev`, in memory) with the project's search attributes. */
export async function startDevServerEnv(
  extraArgs: string[] = [],
  client?: LocalTestWorkflowEnvironmentOptions['client'],
): Promise<TestWorkflowEnvironment> {
  // A test that installed its own runtime before (its own logger) keeps it.
  installTestRuntime();
  return TestWorkflowEnvironment.createLocal({
    ...(client ? { client } : {}),
    server: {
      executable: temporalExecutable('cli'),
      // The server's own log (WARN by default: cluster id, slow calls) follows CARDFLOW_TEST_LOG.
      log: { format: 'pretty', level: testLogLevel() },
      namespace: TEST_NAMESPACE,
      searchAttributes: [...CARD_SEARCH_ATTRIBUTES],
      extraArgs: ['--dynamic-config-value', 'frontend.enableServerVersionCheck=false', ...extraArgs],
    },
  });
}

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/** Bundles a workflows module once per test process (each test file runs in its own process). */
export function bundleOnce(workflowsPath: string): Promise<WorkflowBundleWithSourceMap> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    bundle = bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}

const noop = () => undefined;
/** A bundler logger that prints errors only (webpack's module listing is hundreds of lines). */
export const quietBundlerLogger = {
  log: noop,
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: console.error,
};
