// The git steps of a handoff (docs/contract.md §6 steps 3, 6, 7): repository state checks, session stats, staging
// exactly canon's files, committing them without sweeping in anything the user staged, pushing, and
// telling the failures apart so each gets an actionable message.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { NoteKind } from '../core/config.js';
import { GIT_LOG_FORMAT, NO_GIT_STATS, parseGitLog, type GitStats } from '../core/git-log-stats.js';
import { inertLine } from '../core/inert-text.js';
import { readGitDirs } from './dot-git.js';
import { readTextOrNull, writeFileSafely } from './fs.js';
import { execGit, porcelainResult, splitNul, type GitResult } from './git.js';

export type MidOperation = 'merge' | 'rebase' | 'cherry-pick' | 'revert';

export interface Upstream {
  remote: string;
  /** The remote branch's ref, e.g. `refs/heads/main`. */
  ref: string;
  /** How git names it, e.g. `origin/main`. */
  name: string;
}

export interface GitState {
  /** Short branch name; null on a detached HEAD. */
  branch: string | null;
  /** The branch has no commit yet. */
  unborn: boolean;
  midOperation: MidOperation | null;
  /** git can make a commit (author and committer identity known). */
  identity: boolean;
  upstream: Upstream | null;
}

const MID_MARKERS: Array<[string, MidOperation]> = [
  ['rebase-merge', 'rebase'],
  ['rebase-apply', 'rebase'],
  ['MERGE_HEAD', 'merge'],
  ['CHERRY_PICK_HEAD', 'cherry-pick'],
  ['REVERT_HEAD', 'revert'],
];

function runner(root: string, env: NodeJS.ProcessEnv) {
  return (args: readonly string[], input?: string): Promise<GitResult> => execGit(args, input === undefined ? { cwd: root, env } : { cwd: root, env, input });
}

/**
 * What a handoff must know before it claims anything: where HEAD is, whether git can commit, the
 * upstream. One wave of git processes: the upstream is asked for the branch `.git/HEAD` names, and
 * asked again only when git's own answer differs (a reftable store, GIT_DIR set).
 *
 *     git rev-parse --git-path rebase-merge … --git-path REVERT_HEAD --symbolic-full-name HEAD --
 *     .git/rebase-merge\n…\n.git/REVERT_HEAD\nrefs/heads/main\n--\n    (detached: `HEAD`; unborn: exit 128)
 */
export async function readGitState(root: string, env: NodeJS.ProcessEnv): Promise<GitState> {
  const git = runner(root, env);
  const guess = readHeadBranch(root, env);
  const [where, author, committer, guessed] = await Promise.all([
    // Paths of in-progress markers as git lays them out (worktrees and GIT_DIR overrides included), then HEAD.
    git(['rev-parse', ...MID_MARKERS.flatMap(([marker]) => ['--git-path', marker]), '--symbolic-full-name', 'HEAD', '--']),
    git(['var', 'GIT_AUTHOR_IDENT']),
    git(['var', 'GIT_COMMITTER_IDENT']),
    guess === null ? Promise.resolve(null) : readUpstream(root, guess, env),
  ]);
  const lines = where.stdout.split('\n');
  const markerPaths = lines.slice(0, MID_MARKERS.length);
  const mid = MID_MARKERS.find((_, i) => markerPaths[i] !== undefined && markerPaths[i] !== '' && existsSync(path.resolve(root, markerPaths[i]!)));
  let branch: string | null;
  let unborn = false;
  if (where.code === 0) {
    const head = lines[MID_MARKERS.length] ?? '';
    branch = head.startsWith('refs/heads/') ? head.slice('refs/heads/'.length) : null;
  } else {
    // No commit yet (HEAD names a branch that does not exist): the branch is what HEAD names.
    unborn = true;
    const symbolic = await git(['symbolic-ref', '-q', '--short', 'HEAD']);
    branch = symbolic.code === 0 ? symbolic.stdout.trim() : null;
  }
  return {
    branch,
    unborn,
    midOperation: mid?.[1] ?? null,
    identity: author.code === 0 && committer.code === 0,
    upstream: branch === null ? null : branch === guess ? guessed : await readUpstream(root, branch, env),
  };
}

/** The branch `.git/HEAD` names (`ref: refs/heads/<branch>`), read as git lays it out; null when it names none or git must say. */
function readHeadBranch(root: string, env: NodeJS.ProcessEnv): string | null {
  const dirs = readGitDirs(root, env);
  if (dirs === null) return null;
  try {
    const match = /^ref: refs\/heads\/(.+)$/.exec(readFileSync(path.join(dirs.gitDir, 'HEAD'), 'utf8').trim());
    return match?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * The branch's upstream as `git config --get` reads it (the last value of each key), and its name
 * as git abbreviates it:
 *
 *     git config -z --get-regexp '^branch\.main\.(remote|merge)$'
 *     branch.main.remote\norigin\0branch.main.merge\nrefs/heads/main\0
 */
async function readUpstream(root: string, branch: string, env: NodeJS.ProcessEnv): Promise<Upstream | null> {
  const git = runner(root, env);
  const key = `branch.${branch}.`;
  const [config, name] = await Promise.all([
    git(['config', '-z', '--get-regexp', `^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(remote|merge)$`]),
    git(['rev-parse', '--abbrev-ref', '--symbolic-full-name', `${branch}@{upstream}`]),
  ]);
  const values = new Map<string, string>();
  if (config.code === 0) {
    for (const record of splitNul(config.stdout)) {
      const newline = record.indexOf('\n');
      // A key given with no value (`[branch "x"] remote`) has no newline: git's --get answers it as empty.
      values.set(newline === -1 ? record : record.slice(0, newline), newline === -1 ? '' : record.slice(newline + 1));
    }
  }
  const remote = values.get(`${key}remote`) ?? '';
  const ref = values.get(`${key}merge`) ?? '';
  if (!remote || !ref) return null;
  const upstreamName = name.code === 0 ? name.stdout.trim() : '';
  return { remote, ref, name: upstreamName || `${remote}/${ref.replace(/^refs\/heads\//, '')}` };
}

/**
 * When this operator's previous handoff was committed: the start of this session when the telemetry
 * hook recorded none. `git log --diff-filter=A` of their session files, newest first.
 */
export async function readLastHandoffTime(root: string, sessionFolder: string, initials: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const result = await runner(root, env)(['log', '-1', '--format=%cI', '--diff-filter=A', '--', `${sessionFolder}/${initials}-*.md`]);
  const value = result.stdout.trim();
  return result.code === 0 && value !== '' ? value : null;
}

/** Commits, lines and touched notes on HEAD since `since`, by `authors` (lower-case emails) when given. */
export async function readGitStats(
  root: string,
  options: { since: string; authors: ReadonlySet<string> | null; folders: Record<NoteKind, string>; env: NodeJS.ProcessEnv },
): Promise<GitStats> {
  const result = await runner(
    root,
    options.env,
  )(['-c', 'core.quotepath=off', 'log', `--since=${options.since}`, '--no-merges', '--no-renames', '--numstat', '-z', `--format=${GIT_LOG_FORMAT}`]);
  // An unborn branch has no log: no commits yet is the honest answer.
  if (result.code !== 0) return NO_GIT_STATS;
  return parseGitLog(result.stdout, { authors: options.authors, folders: options.folders });
}

/**
 * Stats of exactly these commits (a session's, from its commit log), in the order given. Ids git
 * no longer has (a commit dropped in a rebase and collected since) are skipped, not an error.
 */
export async function readCommitStats(
  root: string,
  shas: readonly string[],
  options: { folders: Record<NoteKind, string>; env: NodeJS.ProcessEnv },
): Promise<GitStats> {
  if (shas.length === 0) return { ...NO_GIT_STATS, touched: { workstreams: [], plans: [], adrs: [] }, list: [] };
  const result = await runner(root, options.env)(
    [
      '-c',
      'core.quotepath=off',
      'log',
      '--no-walk=unsorted',
      '--ignore-missing',
      '--stdin',
      '--no-merges',
      '--no-renames',
      '--numstat',
      '-z',
      `--format=${GIT_LOG_FORMAT}`,
    ],
    // Newest first, as `git log` lists a session's commits everywhere else.
    `${[...shas].reverse().join('\n')}\n`,
  );
  if (result.code !== 0) return NO_GIT_STATS;
  return parseGitLog(result.stdout, { authors: null, folders: options.folders });
}

/** The configured email of the committer, lower-cased (the author of this session's commits). */
export async function readGitEmail(root: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const result = await runner(root, env)(['config', '--get', 'user.email']);
  const value = (result.code === 0 ? result.stdout : '').trim().toLowerCase();
  return value !== '' ? value : null;
}

/**
 * Paths with uncommitted changes, staged or not, untracked included:
 *
 *     git status --porcelain=v1 -z --untracked-files=all
 *      M tools/x.ts\0?? notes.txt\0R  new.md\0old.md\0
 *
 * (a rename or copy is followed by its source path, which is skipped).
 */
export async function listDirtyPaths(root: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const result = await runner(root, env)(['status', '--porcelain=v1', '-z', '--untracked-files=all']);
  if (result.code !== 0) return [];
  const records = splitNul(result.stdout);
  const paths: string[] = [];
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    paths.push(record.slice(3));
    if (record[0] === 'R' || record[0] === 'C') i++;
  }
  return paths;
}

/** The file's bytes in HEAD, or null when HEAD does not have it. */
export async function readHeadText(root: string, rel: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const result = await runner(root, env)(['cat-file', 'blob', `HEAD:${rel}`]);
  return result.code === 0 ? result.stdout : null;
}

/** A file handoff wrote; `stagedText` stages those bytes instead of the working tree's (see commitHandoff). */
export interface HandoffFile {
  rel: string;
  stagedText?: string;
  /** Outside a sparse checkout's cone: staged as `stagedText` only, and marked skip-worktree again (ADR-0024). */
  skipWorktree?: boolean;
}

/**
 * Add handoff's part to a file it shares with people (the workstream's Session Log, the changelog):
 * `edit` applied to the working text (or, with no working file, the committed text, else `initial`),
 * written atomically. When the file has uncommitted edits, the staged version is `edit` of its
 * committed text, so those edits stay the user's. null: `edit` refused a text (not canon's to change).
 */
export async function editForHandoff(
  root: string,
  rel: string,
  edit: (text: string) => string | null,
  options: { env: NodeJS.ProcessEnv; initial?: string },
): Promise<HandoffFile | null> {
  const working = readTextOrNull(path.join(root, rel));
  const head = await readHeadText(root, rel, options.env);
  const base = working ?? head ?? options.initial;
  if (base === undefined) return null;
  const updated = edit(base);
  if (updated === null) return null;
  let stagedText: string | undefined;
  if (head !== null && working !== null && head !== working) {
    const fromHead = edit(head);
    if (fromHead === null) return null;
    stagedText = fromHead;
  }
  await writeFileSafely(path.join(root, rel), updated);
  return stagedText === undefined ? { rel } : { rel, stagedText };
}

/**
 * Stage exactly these files. A file with `stagedText` is staged as that blob: the workstream gets its
 * Session Log line on top of its committed text, so the user's own unfinished edits to it stay out.
 */
export async function stageFiles(root: string, files: readonly HandoffFile[], env: NodeJS.ProcessEnv): Promise<GitResult> {
  const git = runner(root, env);
  const whole = files.filter((f) => f.stagedText === undefined).map((f) => f.rel);
  if (whole.length > 0) {
    const added = await git(['add', '--', ...whole]);
    if (added.code !== 0) return added;
  }
  for (const file of files) {
    if (file.stagedText === undefined) continue;
    const blob = await git(['hash-object', '-w', '--stdin'], file.stagedText);
    if (blob.code !== 0) return blob;
    const mode = /^(\d{6}) /.exec((await git(['ls-files', '-s', '--', file.rel])).stdout)?.[1] ?? '100644';
    const updated = await git(['update-index', '--add', '--cacheinfo', `${mode},${blob.stdout.trim()},${file.rel}`]);
    if (updated.code !== 0) return updated;
    // A new index entry has no skip-worktree bit: without it git would take the absent file for a deletion.
    if (file.skipWorktree) {
      const marked = await git(['update-index', '--skip-worktree', '--', file.rel]);
      if (marked.code !== 0) return marked;
    }
  }
  return { code: 0, stdout: '', stderr: '' };
}

export type CommitOutcome =
  | {
      ok: true;
      sha: string;
      fullSha: string;
      /** User-staged paths that the commit also changed: now unstaged. */
      overlap: string[];
      /** Every path the commit changed. */
      changed: string[];
    }
  | { ok: false; reason: 'hook' | 'git'; detail: string };

/**
 * Commit canon's files and nothing else. When the user already had changes staged, the index is
 * snapshot as a tree (`git write-tree`, which keeps partially staged hunks exactly), reset to HEAD for
 * the commit, and restored afterwards, success or not; the paths the commit changed are then reset to
 * what was committed. The commit runs the hooks normally (normalise, validate, scan, INDEX).
 */
export async function commitHandoff(
  root: string,
  files: readonly HandoffFile[],
  options: {
    message: string;
    unborn: boolean;
    env: NodeJS.ProcessEnv;
    /** Runs once canon's files are staged, right before `git commit`: more environment for the commit. */
    beforeCommit?: () => Promise<NodeJS.ProcessEnv>;
  },
): Promise<CommitOutcome> {
  const git = runner(root, options.env);
  const staged = splitNul((await git(['diff', '--cached', '--name-only', '-z', '--no-renames'])).stdout);
  let saved: string | null = null;
  if (staged.length > 0) {
    const tree = await git(['write-tree']);
    if (tree.code !== 0) return { ok: false, reason: 'git', detail: tail(tree.stderr) };
    saved = tree.stdout.trim();
    const reset = await git(options.unborn ? ['read-tree', '--empty'] : ['reset', '-q']);
    if (reset.code !== 0) return { ok: false, reason: 'git', detail: tail(reset.stderr) };
  }
  // `read-tree` drops the skip-worktree bits of a sparse checkout: note them to set them again.
  const sparse =
    saved === null
      ? []
      : splitNul((await git(['ls-files', '-t', '-z'])).stdout)
          .filter((l) => l.startsWith('S '))
          .map((l) => l.slice(2));
  const restore = async () => {
    if (saved === null) return;
    await git(['read-tree', saved]);
    if (sparse.length > 0) await git(['update-index', '--skip-worktree', '--stdin'], sparse.join('\n') + '\n');
  };

  const added = await stageFiles(root, files, options.env);
  if (added.code !== 0) {
    await restore();
    return { ok: false, reason: 'git', detail: tail(added.stderr) };
  }
  const extra = options.beforeCommit === undefined ? {} : await options.beforeCommit();
  // The subject holds a note's title: one line, inert (ADR-0023), whatever path it came by.
  const commit = await execGit(['commit', '-m', inertLine(options.message)], { cwd: root, env: { ...options.env, ...extra } });
  if (commit.code !== 0) {
    await restore();
    const detail = tail(`${commit.stderr}\n${commit.stdout}`);
    return { ok: false, reason: /hook|husky|lint-staged|✖/i.test(detail) ? 'hook' : 'git', detail };
  }
  const { full, sha, changed } = await readHeadCommit(root, options.env);
  if (saved === null) return { ok: true, sha, fullSha: full, overlap: [], changed };
  await restore();
  if (changed.length > 0) await git(['reset', '-q', 'HEAD', '--', ...changed]);
  return { ok: true, sha, fullSha: full, overlap: staged.filter((p) => changed.includes(p)), changed };
}

/**
 * HEAD's full and short ids and the paths it changed, in one process:
 *
 *     git log -1 -z --name-only --no-renames --format=%H%x00%h HEAD
 *     4e57ff1fe7ff…0d\04e57ff1\0\ndocs/sessions/RT-260511-01.md\0CHANGELOG.md\0
 */
async function readHeadCommit(root: string, env: NodeJS.ProcessEnv): Promise<{ full: string; sha: string; changed: string[] }> {
  const shown = await runner(
    root,
    env,
  )(['-c', 'log.showRoot=true', 'log', '-1', '-z', '--no-show-signature', '--name-only', '--no-renames', '--format=%H%x00%h', 'HEAD']);
  const [full = '', sha = '', ...names] = shown.stdout.split('\0');
  return { full, sha, changed: names.map((name) => name.replace(/^\n/, '')).filter((name) => name !== '') };
}

export type PushOutcome = { ok: true } | { ok: false; reason: 'rejected' | 'hook' | 'other'; detail: string };

/**
 * Push HEAD to the branch's upstream. git's refusals are told apart by its own words:
 *
 *     ! [rejected]        main -> main (fetch first)        <- someone pushed first
 *     ! [rejected]        main -> main (non-fast-forward)
 *     error: failed to push some refs to '…'                 <- after "husky - pre-push script failed"
 */
export async function pushHandoff(root: string, upstream: Upstream, env: NodeJS.ProcessEnv): Promise<PushOutcome> {
  const result = await porcelainResult(root, env, (git) => git.push(upstream.remote, `HEAD:${upstream.ref}`, ['--porcelain']));
  if (result.code === 0) return { ok: true };
  const text = `${result.stdout}\n${result.stderr}`;
  const detail = tail(result.stderr || result.stdout);
  if (/\[rejected\]|non-fast-forward|fetch first/.test(text)) return { ok: false, reason: 'rejected', detail };
  if (/pre-push|husky/.test(text)) return { ok: false, reason: 'hook', detail };
  return { ok: false, reason: 'other', detail };
}

/** After a rejected push: fetch, and say whether the upstream now holds `rel` (an id claimed twice). */
export async function fetchAndFindUpstreamFile(root: string, upstream: Upstream, rel: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const git = runner(root, env);
  const fetched = await porcelainResult(root, env, (g) => g.fetch(upstream.remote));
  if (fetched.code !== 0) return false;
  return (await git(['cat-file', '-e', `${upstream.name}:${rel}`])).code === 0;
}

/** The last lines of git's output: enough to see what failed, not a screenful. */
function tail(text: string, lines = 20): string {
  const all = text.trim().split('\n');
  return all.slice(-lines).join('\n');
}

/** The commit really holds `rel` as one of the files it changed: a handoff reports `committed` only then. */
export async function commitHoldsFile(root: string, sha: string, rel: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const changed = await runner(root, env)(['diff-tree', '--root', '--no-commit-id', '--name-only', '-r', '-z', '--no-renames', sha, '--', rel]);
  return changed.code === 0 && splitNul(changed.stdout).includes(rel);
}
