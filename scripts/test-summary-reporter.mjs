// A node:test reporter for scripts/run-tests.mjs: one JSON line per finished test (not suites),
// with its file, so that run-tests.mjs can print counts per suite once the run is over.
export default async function* summaryReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    if (data.details?.type === 'suite') continue;
    let outcome = 'passed';
    if (event.type === 'test:fail')
      outcome = data.details?.error?.failureType === 'cancelledByParent' ? 'cancelled' : 'failed';
    else if (data.skip !== undefined) outcome = 'skipped';
    else if (data.todo !== undefined) outcome = 'todo';
    yield `${JSON.stringify({ file: data.file ?? null, name: data.name, outcome })}\n`;
  }
}
