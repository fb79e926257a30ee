// Lay canon's hooks into a store repository the way `npm install` does in a real one: the hook
// files, a package.json whose `prepare` runs `canon setup` (husky's hooks for every worktree, the
// hook runner, the INDEX merge driver), and node_modules + dist linked from this checkout (nothing
// is downloaded). Used by the tests, the bench and the demo, which all work in temporary repositories:
// it lives in tools/, not __tests__/helpers, because `npm run bench` and `npm run demo` need it (ADR-0038).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CANON_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @param {string} dir the repository's top-level folder (a git work tree)
 * @param {NodeJS.ProcessEnv} env the environment to run `canon setup` in
 */
export function installCanonHooks(dir, env) {
  for (const rel of ['.husky', '.gitattributes']) {
    cpSync(path.join(CANON_ROOT, rel), path.join(dir, rel), { recursive: true });
  }
  // canon's own hook files hold lines of canon's repository before canon's block (lint-staged on its
  // sources): a store gets only the block, as `canon init` writes it into a repository with no hooks.
  for (const name of readdirSync(path.join(dir, '.husky'))) {
    const file = path.join(dir, '.husky', name);
    if (!statSync(file).isFile()) continue;
    const text = readFileSync(file, 'utf8');
    const block = text.indexOf('# >>> canon >>>');
    if (block > 0) writeFileSync(file, text.slice(block));
  }
  // The store has no sources to build: its prepare is canon's without the build step.
  const prepare = 'node dist/canon.js setup';
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'canon-store', private: true, scripts: { prepare } }, null, 2)}\n`);
  for (const link of ['node_modules', 'dist']) {
    if (!existsSync(path.join(dir, link))) symlinkSync(path.join(CANON_ROOT, link), path.join(dir, link));
  }
  writeFileSync(path.join(dir, '.gitignore'), 'node_modules\ndist\n.claude/state/\n.canon/\n');
  // What that prepare runs, without npm's own start (about 0.4 s of CPU, paid by every test repository).
  execFileSync(process.execPath, [path.join(dir, 'dist/canon.js'), 'setup'], { cwd: dir, env, stdio: 'pipe' });
}
