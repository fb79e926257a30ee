import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG, type CanonConfig } from '../core/config.js';
import { trimSlashes } from '../core/layout.js';
import type { ResumeView } from '../core/resume-view.js';
import { execGit, execGitSync, splitNul, type GitResult } from './git.js';
import type { NoteProblem } from './resume-cache.js';

/**
 * The warm path of `canon resume`: the dashboard of the last full run, reused while a fingerprint
 * of everything it was computed from is unchanged. The resume cache (resume-cache.ts) already makes
 * a full run re-read only changed notes, but it still walks 10,000 rows; this skips the walk.
 *
 * The fingerprint is exact for the working tree resume reads: the index file (any `git add`,
 * commit, checkout, merge or reset of tracked notes rewrites it), the two folders' mtimes (a note
 * added, removed or renamed), `git diff-files` over the folders (a tracked note edited in place)
 * with each listed file's stat, the stat of every untracked note (edited in place), the config and
 * operators files, the operator, the limit and the local date. A part that changed within the last
 * two seconds is too young to trust (the racy-git rule): no snapshot is written then.
 */
export const RESUME_SNAPSHOT_FILE = '.claude/state/resume-view.json';
const RACY_MS = 2000;
/** Part of every key: a snapshot written by a canon that ordered or extracted differently is not reused. */
const SNAPSHOT_FORMAT = 'resume-view 2';

interface Snapshot {
  key: string;
  untracked: string[];
  view: ResumeView;
  problems: NoteProblem[];
}

export interface SnapshotInputs {
  root: string;
  config: CanonConfig;
  operator: string;
  limit: number;
  today: string;
  env: NodeJS.ProcessEnv;
}

/** This worktree's index file: `.git/index`, or the one a linked worktree's `.git` file points to. */
function indexFile(root: string, env: NodeJS.ProcessEnv): string | null {
  if (env.GIT_INDEX_FILE || env.GIT_DIR) return null; // someone else's index: no snapshot
  const dotGit = path.join(root, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return path.join(dotGit, 'index');
    const target = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
    return target ? path.join(path.resolve(root, target), 'index') : null;
  } catch {
    return null;
  }
}

function stamp(file: string, nowMs: number, young: { value: boolean }): string {
  try {
    const s = statSync(file, { bigint: true });
    if (nowMs - Number(s.mtimeMs) < RACY_MS) young.value = true;
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch {
    return '-';
  }
}

function foldersOf(config: CanonConfig): string[] {
  return [...new Set([trimSlashes(config.folders.session), trimSlashes(config.folders.workstream)])];
}

/**
 * Tracked notes whose working file differs from the index by stat (`git diff-files`: the working-tree
 * half of `git status`; the index half is the index file's own stat). Raw: `path\0path\0`.
 */
const DIFF_FILES = (config: CanonConfig) => ['--no-optional-locks', 'diff-files', '--name-only', '-z', '--', ...foldersOf(config)];

/**
 * Start the one git process the fingerprint needs, so it runs while the caller resolves the
 * operator (resume's warm path is mostly waiting on processes).
 */
export function startSnapshotCheck(root: string, config: CanonConfig): Promise<GitResult> {
  const key = `${root}\n${foldersOf(config).join('\n')}`;
  const early = prestarted.get(key);
  if (early) {
    prestarted.delete(key);
    return early;
  }
  return execGit(DIFF_FILES(config), { cwd: root });
}

const prestarted = new Map<string, Promise<GitResult>>();

/**
 * The session and workstream folders from canon.config.json over the defaults, without the schema
 * check (for the hooks and the pre-start, which load no validator); a malformed file gives the defaults.
 */
export function readFoldersUnchecked(root: string): CanonConfig {
  let folders: Record<string, unknown> = {};
  try {
    folders = (JSON.parse(readFileSync(path.join(root, 'canon.config.json'), 'utf8')) as { folders?: Record<string, unknown> }).folders ?? {};
  } catch {
    // the defaults
  }
  const pick = (kind: 'session' | 'workstream') =>
    typeof folders[kind] === 'string' && folders[kind] !== '' ? (folders[kind] as string) : DEFAULT_CONFIG.folders[kind];
  return { ...DEFAULT_CONFIG, folders: { ...DEFAULT_CONFIG.folders, session: pick('session'), workstream: pick('workstream') } };
}

/**
 * `canon resume` calls this before anything else loads (commander, the command's modules): the git
 * process then runs while node compiles the rest. Folders come from canon.config.json unchecked;
 * when the checked config names others, startSnapshotCheck simply starts its own.
 */
export function prestartSnapshotCheck(root: string): void {
  const config = readFoldersUnchecked(root);
  const started = execGit(DIFF_FILES(config), { cwd: root });
  started.catch(() => undefined);
  prestarted.set(`${root}\n${foldersOf(config).join('\n')}`, started);
}

async function fingerprint(
  inputs: SnapshotInputs,
  untracked: readonly string[],
  nowMs: number,
  started?: Promise<GitResult>,
): Promise<{ key: string; young: boolean } | null> {
  return keyOf(inputs, untracked, nowMs, await (started ?? startSnapshotCheck(inputs.root, inputs.config)));
}

function keyOf(inputs: SnapshotInputs, untracked: readonly string[], nowMs: number, status: GitResult): { key: string; young: boolean } | null {
  const index = indexFile(inputs.root, inputs.env);
  if (index === null) return null;
  const folders = foldersOf(inputs.config);
  if (status.code !== 0) return null;
  const young = { value: false };
  const parts = [
    SNAPSHOT_FORMAT,
    inputs.operator,
    String(inputs.limit),
    inputs.today,
    stamp(index, nowMs, young),
    ...folders.map((f) => `${f}=${stamp(path.join(inputs.root, f), nowMs, young)}`),
    `config=${stamp(path.join(inputs.root, 'canon.config.json'), nowMs, young)}`,
    `operators=${stamp(path.join(inputs.root, '.claude/operators.yaml'), nowMs, young)}`,
    ...splitNul(status.stdout).map((rel) => `${rel}=${stamp(path.join(inputs.root, rel), nowMs, young)}`),
    ...untracked.map((rel) => `${rel}=${stamp(path.join(inputs.root, rel), nowMs, young)}`),
  ];
  // The parts themselves are the key (a few KB): no hashing, so the hook never loads node:crypto.
  return { key: parts.join('\n'), young: young.value };
}

/** The dashboard of the last full run, when nothing it was computed from has changed since. */
export async function readResumeSnapshot(
  inputs: SnapshotInputs,
  nowMs: number,
  started?: Promise<GitResult>,
): Promise<{ view: ResumeView; problems: NoteProblem[] } | null> {
  let snapshot: Snapshot;
  try {
    snapshot = JSON.parse(readFileSync(path.join(inputs.root, RESUME_SNAPSHOT_FILE), 'utf8')) as Snapshot;
  } catch {
    return null;
  }
  const now = await fingerprint(inputs, snapshot.untracked ?? [], nowMs, started);
  if (now === null || now.key !== snapshot.key) return null;
  return { view: snapshot.view, problems: snapshot.problems };
}

/** Keep this run's dashboard for the next one (never when a part is too young to trust). */
export async function writeResumeSnapshot(
  inputs: SnapshotInputs,
  untracked: readonly string[],
  view: ResumeView,
  problems: NoteProblem[],
  nowMs: number,
): Promise<void> {
  const now = await fingerprint(inputs, untracked, nowMs);
  if (now === null || now.young) return;
  try {
    const { unfinished: _unfinished, ...stable } = view;
    // Temp file and rename by hand: this module is in the SessionStart hook's bundle (built-ins only).
    const file = path.join(inputs.root, RESUME_SNAPSHOT_FILE);
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ key: now.key, untracked: [...untracked], view: stable, problems } satisfies Snapshot)}\n`);
    renameSync(tmp, file);
  } catch {
    // A snapshot only saves time: an unwritable state folder must not fail resume.
  }
}

/**
 * The SessionStart hook's read: the snapshot's view when its fingerprint still holds, else null
 * (synchronous, built-ins only; the hook then falls back to the resume cache or the CLI).
 */
export function readResumeSnapshotSync(inputs: SnapshotInputs, nowMs: number): ResumeView | null {
  let snapshot: Snapshot;
  try {
    snapshot = JSON.parse(readFileSync(path.join(inputs.root, RESUME_SNAPSHOT_FILE), 'utf8')) as Snapshot;
  } catch {
    return null;
  }
  const status = execGitSync(DIFF_FILES(inputs.config), { cwd: inputs.root });
  const now = keyOf(inputs, snapshot.untracked ?? [], nowMs, status);
  return now !== null && now.key === snapshot.key ? snapshot.view : null;
}
