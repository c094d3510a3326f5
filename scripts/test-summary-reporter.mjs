// A node:test reporter for scripts/run-tests.mjs: counts per suite (the folder under test/), as
// one JSON object written when the run is over; run-tests.mjs prints them.
//
// Counts come from the runner's per-file summaries, which belong to the file that ran (a test
// registered by a helper in another folder counts for the file that imported it). A file that
// failed outside its tests (it did not load, or threw after them) is one more failed test of its
// file, as in node's own totals. The totals are node's own closing summary.
import { join, relative, sep } from 'node:path';

const COUNTS = ['tests', 'passed', 'failed', 'cancelled', 'skipped', 'todo'];
const testDir = join(process.cwd(), 'test');
const suiteOf = (file) => {
  const parts = relative(testDir, file).split(sep);
  return parts.length > 1 && parts[0] !== '..' ? parts[0] : 'other';
};

export default async function* summaryReporter(source) {
  const suites = {};
  const add = (suite, counts, file) => {
    const into = (suites[suite] ??= { files: [], ...Object.fromEntries(COUNTS.map((c) => [c, 0])) });
    for (const c of COUNTS) into[c] += counts[c] ?? 0;
    if (file && !into.files.includes(file)) into.files.push(file);
  };
  const summarized = new Set();
  const fileLevelFailures = [];
  let total;
  for await (const { type, data } of source) {
    if (type === 'test:summary') {
      if (data.file) {
        summarized.add(data.file);
        add(suiteOf(data.file), data.counts, data.file);
      } else total = data.counts;
    } else if (type === 'test:fail' && data.nesting === 0 && data.file && data.details?.type !== 'suite') {
      // Counted by its file's summary unless that summary came before it or never comes.
      fileLevelFailures.push({ file: data.file, afterSummary: summarized.has(data.file) });
    }
  }
  for (const { file, afterSummary } of fileLevelFailures)
    if (afterSummary || !summarized.has(file)) add(suiteOf(file), { tests: 1, failed: 1 }, file);
  if (total) {
    // Anything node counted that the files' summaries did not explain is shown, not lost.
    const rest = Object.fromEntries(
      COUNTS.map((c) => [c, total[c] - Object.values(suites).reduce((sum, s) => sum + s[c], 0)]),
    );
    if (COUNTS.some((c) => rest[c] !== 0)) add('other', rest);
  }
  yield `${JSON.stringify({ suites: Object.fromEntries(Object.entries(suites).map(([n, s]) => [n, { ...s, files: s.files.length }])), total })}\n`;
}
