import { formatCommands, type PackageManager } from '../core/package-manager.js';

/** What `canon setup` and `canon doctor` say. */
export const installMessages = {
  notAGitRepo: 'canon setup: not inside a git repository; nothing to set up.',
  hookUnknown: (name: string) => `canon git-hook: no hook named "${name}" (pre-commit, post-commit, pre-push, post-rewrite, post-merge or setup).`,
  ok: (checks: number) => `canon doctor: ${checks} checks passed.`,
  problems: (n: number) =>
    `canon doctor: ${n} problem(s); each line above names the command that fixes it (\`npx canon-notes doctor --fix\` runs the safe ones).`,
  fixed: (n: number) => `canon doctor --fix: repaired ${n} problem(s) (canon setup, stale locks broken).`,
  check: {
    hooksPathMissing: (dir: string) => `git hooks are not active in this worktree: the hooks folder ${dir} does not exist`,
    hookMissing: (hook: string, file: string) => `git hooks are not active in this worktree: ${file} does not exist, so ${hook} runs nothing`,
    hooksPathMoved: (current: string | null, expected: string | null, system: string) =>
      `core.hooksPath is ${current === null ? 'unset' : current}, but this repository's hooks (${system}) are in ${expected ?? '.git/hooks'}, so git runs none of canon's hooks`,
    hookNotExecutable: (file: string) => `${file} is not executable, so git skips it`,
    blockMissing: (hook: string, file: string) => `${file} has no canon block, so canon's ${hook} checks do not run`,
    runnerMissing: (file: string) => `this clone has no canon hook runner (${file}), so every canon hook refuses to run`,
    runnerFails: (file: string, said: string) => `${file} does not start canon's CLI, so every canon hook fails: ${said}`,
    runnerStale: (file: string) => `${file} does not find canon's CLI from this worktree`,
    driverMissing: 'the INDEX merge driver (merge.canon-index.driver) is not registered in this clone',
    driverStale: (driver: string) => `the INDEX merge driver points at a runner that does not exist: ${driver}`,
    attributesMissing: ".gitattributes does not route INDEX.md to canon's merge driver (INDEX.md merge=canon-index)",
    node: (version: string) => `Node ${version} is not one canon runs on (20.17+ of Node 20, 22.13+ of Node 22, or 23.5 and later)`,
    operators: (reason: string) => `operators: ${reason}`,
    unfinished: (rel: string) => `${rel} is an unfinished handoff (written, never committed)`,
    staleLock: (rel: string) => `${rel} is a lock whose owner is gone`,
    lintStaged: (hook: string) => `your ${hook} hook runs lint-staged, which is not installed in this worktree`,
    linkMissing: (link: string) =>
      `this worktree has no ${link} (no package.json here: Claude Code's plugin and the /handoff and /resume skills run canon through it)`,
    settingsInvalid: (reason: string) => `.claude/settings.json is not valid JSON: ${reason}`,
    settingsMissing: (event: string) => `.claude/settings.json does not run canon's ${event} hook, so Claude Code sessions are not counted there`,
    bundleMissing: (name: string) => `.claude/hooks/${name} is missing: Claude Code's hook has nothing to run`,
    pluginMissing: (key: 'marketplace' | 'enabled') =>
      key === 'marketplace'
        ? `.claude/settings.json does not declare canon's plugin marketplace (extraKnownMarketplaces."canon-notes"), so Claude Code has no /canon:handoff and counts nothing here`
        : `.claude/settings.json does not enable canon's plugin (enabledPlugins."canon@canon-notes": true), so Claude Code has no /canon:handoff and counts nothing here`,
  },
  fix: {
    setup: 'npx canon-notes setup   (or npm install)',
    nonJsSetup: "pre-commit run canon-setup --hook-stage manual   (or any commit: canon's first hook lays it)",
    lefthook: (local: boolean) =>
      local
        ? "npx lefthook install   (lays the hooks from lefthook.yml, canon's commands included)"
        : "lefthook install   (lays the hooks from lefthook.yml, canon's commands included)",
    simpleGitHooks: "npx simple-git-hooks   (lays the hooks from its config, canon's blocks included)",
    preCommit: "pre-commit install   (lays the hooks .pre-commit-config.yaml names, canon's included)",
    hooksPath: (expected: string | null) => (expected === null ? 'git config --unset core.hooksPath' : `git config core.hooksPath ${expected}`),
    chmod: (file: string) => `chmod +x ${file}`,
    init: 'npx canon-notes init',
    attributes: 'npx canon-notes init   (adds the .gitattributes lines)',
    node: 'install Node 20.17, 22.13 or later (Node 22 or 24 recommended)',
    operators: 'fix .claude/operators.yaml (canon session whoami shows the entry to add)',
    unfinished: 'npx canon-notes handoff   (finishes it: commit and push)',
    staleLock: 'npx canon-notes doctor --fix   (the next run breaks it too)',
    npmInstall: 'npm install   (in this worktree)',
    settings: 'fix the JSON in .claude/settings.json, then npx canon-notes init',
  },
  init: {
    heading: (root: string) => `canon init will wire canon into ${root}:`,
    after: 'write the per-operator /handoff and /resume wrappers and the INDEX files; dry-run `canon backfill`',
    dryRun: 'Dry run: nothing was changed. Run `npx canon-notes init --yes` to apply.',
    offerObsidian: '  also   `npx canon-notes init --obsidian` makes the repository an Obsidian vault (.obsidian/ baseline, templates in docs/templates/)',
    needYes: 'canon init changes files: run it in a terminal to confirm, or pass --yes (--dry-run only prints the plan). No files were changed.',
    question: 'Apply these changes?',
    declined: 'Nothing was changed.',
    done: (n: number) => (n === 0 ? 'canon is already wired here: nothing to change.' : `canon init: ${n} file(s) written.`),
    backfill: (changed: number, renamed: number, needHand: number) =>
      `Existing notes: backfill would bring ${changed} up to canon's frontmatter${renamed > 0 ? ` (${renamed} renamed to canon's file names)` : ''}${needHand > 0 ? `; ${needHand} need a hand first` : ''}. Review with \`npx canon-notes backfill\`, then apply with \`npx canon-notes backfill --apply\` (one commit).`,
    runManager: (command: string) => `run \`${command}\` so that git runs canon's new hook entries (it was not found here).`,
    notADependency: 'canon-notes is not in package.json: run `npm install -D canon-notes` so that every clone gets canon and its hooks.',
    nonJs: (dependency: string) =>
      `no package.json here, so canon is a node hook of the pre-commit framework (${dependency}, installed by the framework, not into this repository): every clone runs \`pre-commit install\`, and canon wires the clone at its first hook (or at once: \`pre-commit run canon-setup --hook-stage manual\`). A clone without the hooks is caught by \`canon verify\` in CI (\`canon init --ci\`).`,
    nonJsOtherHooks: (what: string) =>
      `there is no package.json here and the hooks run from ${what}: without a package.json canon comes through the pre-commit framework, which would replace them.`,
    nonJsOtherHooksHint:
      "Move the team's hooks into .pre-commit-config.yaml (pre-commit.com), or add a package.json and `npm install -D canon-notes`, then run canon init again. No files were changed.",
    noBackfill: 'Existing notes: nothing for backfill to do.',
    commit: "Review with `git status` and `git diff`, then commit the wiring (canon's hooks check that commit too).",
  },
  uninstall: {
    heading: (root: string) => `canon uninstall will take canon's wiring out of ${root} (notes are kept):`,
    git: (dir: string) => `remove merge.canon-index.*, restore core.hooksPath, delete ${dir}`,
    nothing: 'canon uninstall: there is no record of canon init here (.claude/canon-install.json); nothing to do.',
    needYes: 'canon uninstall changes files: run it in a terminal to confirm, or pass --yes. No files were changed.',
    question: "Remove canon's wiring?",
    done: 'canon uninstall: done. Your notes are still here; `npm uninstall canon-notes` removes the package.',
  },
} as const;

/**
 * A sentence above with the commands of the repository's package manager in place of npm's (the
 * rows of tools/core/package-manager.ts): `npx canon-notes doctor --fix` becomes `bun run canon
 * doctor --fix` in a bun repository. Repositories without a package.json keep npm's words.
 */
export function commandWords(pm: PackageManager): (text: string) => string {
  return (text) => formatCommands(text, pm);
}

/** installMessages in the words of the repository's package manager (commandWords). */
export function installMessagesFor(pm: PackageManager): typeof installMessages {
  if (pm === 'npm' || pm === 'none') return installMessages;
  const words = commandWords(pm);
  const map = (value: unknown): unknown => {
    if (typeof value === 'string') return words(value);
    if (typeof value === 'function') return (...args: unknown[]) => words((value as (...a: unknown[]) => string)(...args));
    return Object.fromEntries(Object.entries(value as object).map(([key, inner]) => [key, map(inner)]));
  };
  return map(installMessages) as typeof installMessages;
}
