import { hasLineBlock, mergeLineBlock, renderLineBlock } from './install-plan.js';

/**
 * canon's marked blocks in a repository's git hook scripts (husky's `.husky/<hook>` files, or the
 * scripts in core.hooksPath), the way `bd init` marks its own: canon only ever adds, rewrites or
 * removes the lines between its markers, so the team's lines and their order are kept byte for byte.
 */

export const CANON_HOOKS = ['pre-commit', 'post-commit', 'pre-push', 'post-rewrite', 'post-merge'] as const;
export type CanonHook = (typeof CANON_HOOKS)[number];

/** Left by pre-commit in the worktree's git dir for post-commit after a `git commit <paths>` (io/staged.ts). */
export const INDEX_FIXUPS = 'canon-index-fixups.json';

/**
 * Set to `0` by a command that commits and refreshes the resume cache itself right after (handoff):
 * post-commit then leaves the cache alone, and with nothing else to do node is not started.
 */
export const POST_COMMIT_RESUME = 'CANON_POST_COMMIT_RESUME';

/**
 * Set by a command that ran canon's pre-commit work itself, in its own process, on exactly what it
 * staged (handoff, ADR-0037): `<HEAD>:<tree of the index>` as it checked them. The pre-commit block
 * starts no node when HEAD and the index still name exactly those (any other content, or none
 * given, is checked as always).
 */
export const PRECOMMIT_CHECKED = 'CANON_PRECOMMIT_CHECKED';

/** The runner every block calls, in the clone's common git dir (so every worktree finds it). */
export const RUNNER_REL = 'canon/run';

const FIND_RUNNER = `canon_run="$(git rev-parse --git-common-dir)/${RUNNER_REL}"`;
/** The commands a hook names when the clone is not set up: the repository's package manager's (core/package-manager.ts). */
export interface SetupWords {
  /** The install command that lays the runner (`npm install`, `bun install`). */
  install: string;
  /** How canon's CLI is run there (`npx canon-notes`, `bun run canon`). */
  canon: string;
}
const NPM_WORDS: SetupWords = { install: 'npm install', canon: 'npx canon-notes' };

const noRunner = (words: SetupWords) =>
  `echo "canon: this clone's canon hooks are not set up (no $canon_run): run your package manager's install (${words.install}), or ${words.canon} setup" >&2`;

/** What canon runs for one hook, as shell lines; `pushArgs` is how pre-push's two arguments are named. */
function renderHookBody(hook: CanonHook, pushArgs: string, pushStdin = '', words: SetupWords = NPM_WORDS): string[] {
  const NO_RUNNER = noRunner(words);
  const body: Record<CanonHook, string[]> = {
    // Guarding the commit door: a missing runner refuses the commit rather than letting notes in unchecked.
    'pre-commit': [`  [ -x "$canon_run" ] || { ${NO_RUNNER}; exit 1; }`, '  "$canon_run" pre-commit || exit $?'],
    // After the commit nothing can be refused: record a Claude Code session's commit, fix the index
    // after `git commit <paths>`, check a cherry-pick's notes (ADR-0024), refresh the resume cache when
    // there is one (unless the committing handoff refreshes it), never fail; with none of these to do,
    // node is not even started.
    'post-commit': [
      `  if [ -x "$canon_run" ] && { [ -n "\${CLAUDE_CODE_SESSION_ID-}" ] || { [ -f .claude/state/resume-cache.json ] && [ "\${${POST_COMMIT_RESUME}-}" != "0" ]; } || { canon_git_dir="$(git rev-parse --git-dir)"; [ -f "$canon_git_dir/${INDEX_FIXUPS}" ] || [ -f "$canon_git_dir/CHERRY_PICK_HEAD" ]; }; }; then`,
      '    "$canon_run" post-commit || true',
      '  fi',
    ],
    'pre-push': [`  [ -x "$canon_run" ] || { ${NO_RUNNER}; exit 1; }`, `  ${pushStdin}"$canon_run" pre-push ${pushArgs} || exit $?`],
    // After an amend, a rebase or a merge: check the notes they committed without the commit door
    // and restamp them in a follow-up commit, or say what to run (ADR-0024). Never fails the road.
    'post-rewrite': ['  if [ -x "$canon_run" ]; then "$canon_run" post-rewrite "$@" || true; fi'],
    'post-merge': ['  if [ -x "$canon_run" ]; then "$canon_run" post-merge "$@" || true; fi'],
  };
  if (hook === 'pre-commit') {
    // What a handoff already checked in its own process (PRECOMMIT_CHECKED) is not checked twice:
    // only when HEAD and the staged tree are exactly those it names; anything else runs the check.
    return [
      'if [ "${CANON_HOOKS-}" != "0" ]; then',
      `  if [ -z "\${${PRECOMMIT_CHECKED}-}" ] || [ "$(git rev-parse -q --verify HEAD):$(git write-tree 2>/dev/null)" != "$${PRECOMMIT_CHECKED}" ]; then`,
      ...[FIND_RUNNER, ...body[hook].map((line) => line.slice(2))].map((line) => `    ${line}`),
      '  fi',
      'fi',
    ];
  }
  return ['if [ "${CANON_HOOKS-}" != "0" ]; then', `  ${FIND_RUNNER}`, ...body[hook], 'fi'];
}

/** The lines of canon's block for one hook. */
export function renderHookBlock(hook: CanonHook, words: SetupWords = NPM_WORDS): string {
  // The team's lines before the block may have failed in a script without `set -e` (lefthook's
  // `call_lefthook run`, a hand-written `#!/bin/sh`): their status is kept and handed on, so the
  // script ends as it would have without canon, and a failing team check still fails the hook.
  return renderLineBlock(['canon_status=$?', ...renderHookBody(hook, '"$@"', '', words), '[ "$canon_status" -eq 0 ] || (exit "$canon_status")']);
}

/**
 * canon's step for one hook as a command a hook manager runs with `sh -c` (lefthook's `run`, the
 * pre-commit framework's `entry`): the same lines as the block, pre-push's arguments as the manager
 * names them.
 */
export function renderHookCommand(hook: CanonHook, pushArgs = '"$@"', pushStdin = ''): string {
  return renderHookBody(hook, pushArgs.trim(), pushStdin).join('\n');
}

/** Whether a hook script holds canon's block. */
export function hasHookBlock(text: string): boolean {
  return hasLineBlock(text);
}

/** A script's last command hands control away for good (`exec …`, `exit …`): nothing after it runs. */
const FINAL_LINE = /^\s*(exec|exit)(\s|$)/;

/**
 * The hook script with canon's block in it: an existing block is replaced where it stands, else the
 * block goes last (after the team's formatters, so the hash covers their output) — or right before
 * a closing `exec`/`exit` line, which would never let it run. A new file gets only the block.
 */
export function mergeHookBlock(existing: string | null, hook: CanonHook, words: SetupWords = NPM_WORDS): string {
  const block = renderHookBlock(hook, words);
  if (existing === null || existing.trim() === '') return mergeLineBlock(null, block);
  if (hasLineBlock(existing)) return mergeLineBlock(existing, block);
  const lines = existing.split('\n');
  let last = lines.length - 1;
  while (last >= 0 && (lines[last]!.trim() === '' || lines[last]!.trim().startsWith('#'))) last--;
  // A continued line (`exec foo \` then its arguments) belongs to the command it starts.
  let start = last;
  while (start > 0 && lines[start - 1]!.endsWith('\\')) start--;
  if (start < 0 || !FINAL_LINE.test(lines[start]!)) return mergeLineBlock(existing, block);
  return [...lines.slice(0, start), ...block.slice(0, -1).split('\n'), ...lines.slice(start)].join('\n');
}

/**
 * Under Plug'n'Play canon's CLI is a path inside a zip that plain node cannot open, and canon's own
 * dependencies (ajv) resolve only through yarn's runtime. The runner starts node the way `yarn node`
 * does (`--require .pnp.cjs`, the `.pnp.loader.mjs` ESM loader), without starting yarn itself, and
 * asks PnP where canon-notes is on every run: `yarn up canon-notes` moves it to another zip, and yarn
 * re-runs no postinstall that would rewrite a recorded path. The project folder comes as argv[1]
 * and gives its place to the CLI, so canon sees the argv it always sees.
 */
const PNP_MAIN = `const p=process.argv[1];const f=require("module").createRequire(p+"/package.json").resolve("canon-notes/dist/canon.js");process.argv.splice(1,1,f);import(require("url").pathToFileURL(f).href)`;

/**
 * The runner script: finds canon's CLI in this worktree, else in the main worktree (a new `git
 * worktree add` has no node_modules or dist of its own), and fails loudly when neither has it.
 * With `pnp` (the clone installs with yarn's Plug'n'Play) the folders searched are those with a
 * `.pnp.cjs`, whose runtime finds canon. `install` is the command that lays the wiring again.
 */
export function renderRunner(options: { cli: string; mainRoot: string | null; pnp?: boolean; install?: string }): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const absolute = options.cli.startsWith('/');
  const candidates = absolute ? ['"$cli"'] : ['"$top/$cli"', ...(options.mainRoot ? ['"$main/$cli"'] : [])];
  const search = options.pnp
    ? [
        `for d in "$top"${options.mainRoot ? ' "$main"' : ''}; do`,
        `  [ -f "$d/.pnp.cjs" ] && exec node --require "$d/.pnp.cjs" --experimental-loader "$d/.pnp.loader.mjs" -e ${quote(PNP_MAIN)} "$d" "$@"`,
        'done',
      ]
    : [`for f in ${candidates.join(' ')}; do`, '  [ -f "$f" ] && exec node "$f" "$@"', 'done'];
  const what = options.pnp ? "canon's CLI (canon-notes through yarn's Plug'n'Play, .pnp.cjs)" : "canon's CLI ($cli)";
  return [
    '#!/bin/sh',
    "# Written by `canon setup` (the package manager's install runs it): how this clone's git hooks and",
    "# INDEX merge driver reach canon's CLI from any of its worktrees. Do not edit: `canon setup` rewrites it.",
    `cli=${quote(options.pnp ? 'canon-notes' : options.cli)}`,
    `main=${quote(options.mainRoot ?? '')}`,
    'top=$(git rev-parse --show-toplevel 2>/dev/null)',
    ...search,
    `echo "canon: ${what} is installed neither in \${top:-this worktree} nor in \${main:-the main worktree}: run ${options.install ?? 'npm install'}." >&2`,
    'exit 1',
    '',
  ].join('\n');
}
