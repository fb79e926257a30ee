// Writes __tests__/durations.json — each test file's wall time in seconds, from a full run's
// `jest --json` report — which the test sequencer (test-sequencer.mjs) orders a fresh clone's run by:
//   npm test -- --json --outputFile=/tmp/jest.json && node __tests__/helpers/update-durations.mjs /tmp/jest.json
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const report = process.argv[2];
if (!report) {
  console.error('usage: node __tests__/helpers/update-durations.mjs <jest --json report>');
  process.exit(2);
}
const { testResults } = JSON.parse(readFileSync(report, 'utf8'));
const rows = testResults
  // From `__tests__/` on: a report written in another clone (CI's) names the same files.
  .map((r) => [
    r.name
      .split(path.sep)
      .join('/')
      .replace(/^.*?\/(?=__tests__\/)/, ''),
    Math.round((r.endTime - r.startTime) / 100) / 10,
  ])
  .sort(([, a], [, b]) => b - a);
writeFileSync(path.join(ROOT, '__tests__/durations.json'), `${JSON.stringify(Object.fromEntries(rows), null, 2)}\n`);
console.log(`__tests__/durations.json: ${rows.length} files`);
