import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import TestSequencer from '@jest/test-sequencer';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DURATIONS = path.join(ROOT, '__tests__/durations.json');

/**
 * jest runs the longest files first when its cache remembers their times, and otherwise the largest
 * files first. A fresh clone (CI) has no cache, and file size says little here: a 60-line file that
 * installs a team's repository takes minutes, a 1,000-line unit file a second. Started last, one long
 * file alone makes the run's tail. So a file jest has no time for takes its time from
 * __tests__/durations.json (seconds in a full run, written by update-durations.mjs); jest's own
 * cache still wins once it has one. A file in neither runs first, by size, as jest does.
 */
export default class CanonSequencer extends (TestSequencer.default ?? TestSequencer) {
  #committed = readCommitted();

  time(test) {
    const cached = super.time(test);
    if (cached != null) return cached;
    const seconds = this.#committed[path.relative(ROOT, test.path).split(path.sep).join('/')];
    return seconds === undefined ? undefined : seconds * 1000;
  }
}

function readCommitted() {
  try {
    return JSON.parse(readFileSync(DURATIONS, 'utf8'));
  } catch {
    return {};
  }
}
