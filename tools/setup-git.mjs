// Run by `npm install` (the prepare script): registers canon's INDEX merge driver in this clone's
// git config. Never fails the install: outside a git repository there is nothing to configure.
import { execFileSync } from 'node:child_process';

const set = (key, value) => execFileSync('git', ['config', key, value], { stdio: 'ignore' });
try {
  execFileSync('git', ['rev-parse', '--git-dir'], { stdio: 'ignore' });
  set('merge.canon-index.name', 'canon: merge INDEX.md rows by note id');
  set('merge.canon-index.driver', 'node dist/canon.js index-merge %O %A %B %P');
} catch {
  // not a git repository (e.g. installed as a dependency): nothing to do
}
