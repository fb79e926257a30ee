import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG, type CanonConfig } from '../core/config.js';
import { trimSlashes } from '../core/layout.js';
import type { ResumeView } from '../core/resume-view.js';
import { readGitDirs } from './dot-git.js';
import type { NoteProblem } from './resume-cache.js';

/**
 * The warm path of `canon resume` and of the SessionStart hook: the dashboard of the last full run,
 * reused while a fingerprint of what it was computed from is unchanged (ADR-0016, ADR-0040). The
 * resume cache (resume-cache.ts) already makes a full run re-read only changed notes, but it still
 * walks 10,000 rows; this skips the walk.
 *
 * The fingerprint is read without starting git, from a few dozen stats (ADR-0040):
 * - the index file (any `git add`, commit, checkout, merge, rebase, pull or reset rewrites it), and
 *   HEAD with the ref it names;
 * - the two folders (a note added, removed or renamed, which includes every editor or tool that
 *   saves through a temporary file and a rename, canon's own writes among them);
 * - `canon.config.json`, `.claude/operators.yaml`, the operator, the limit and the local date;
 * - each note the full run named to watch (commands/resume.ts, selectWatchedNotes): the notes the
 *   dashboard shows, every workstream, every session of the peer window, and every note that was
 *   untracked, modified or unreadable then — an in-place edit of any of them is seen at once.
 * An in-place edit of an older tracked note that nothing shows waits for the next of those changes
 * (or the next day); `canon resume --no-cache` always reads the store. A part changed within the last
 * two seconds is too young to trust (the racy-git rule): no snapshot is written then.
 */
export const RESUME_SNAPSHOT_FILE = '.claude/state/resume-view.json';
const RACY_MS = 2000;
/** Part of every key: a snapshot written by a canon that fingerprinted, ordered or extracted differently is not reused. */
const SNAPSHOT_FORMAT = 'resume-view 3';

interface Snapshot {
  key: string;
  /** Repository-relative notes whose stats are in the key. */
  watch: string[];
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

/**
 * A file's identity: inode, size, mtime and ctime (ctime moves even when an edit restores the mtime).
 * `sinceMs` is when the run began reading: a part whose mtime is later than two seconds before it is
 * young (git's racy rule, on the mtime as git has it).
 */
function stamp(file: string, sinceMs: number, young: { value: boolean }): string {
  const s = statSync(file, { throwIfNoEntry: false });
  if (s === undefined) return '-';
  if (sinceMs - s.mtimeMs < RACY_MS) young.value = true;
  return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
}

function readOrDash(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '-';
  }
}

function foldersOf(config: CanonConfig): string[] {
  return [...new Set([trimSlashes(config.folders.session), trimSlashes(config.folders.workstream)])];
}

/**
 * HEAD and the commit its branch names, read as git stores them:
 *
 *     .git/HEAD              `ref: refs/heads/main`   (or a commit id when detached)
 *     .git/refs/heads/main   `3b18e512dba79e4c8300dd08aeb37f8e728b8dad`
 *
 * A branch that lives only in packed-refs is stood for by that file's stat.
 */
function headOf(gitDir: string, commonDir: string, sinceMs: number, young: { value: boolean }): string {
  const head = readOrDash(path.join(gitDir, 'HEAD'));
  const ref = /^ref: (refs\/.+)$/.exec(head)?.[1];
  if (ref === undefined) return head;
  const loose = readOrDash(path.join(commonDir, ref));
  return `${head} ${loose === '-' ? `packed=${stamp(path.join(commonDir, 'packed-refs'), sinceMs, young)}` : loose}`;
}

function keyOf(inputs: SnapshotInputs, watch: readonly string[], sinceMs: number): { key: string; young: boolean } | null {
  // Someone else's index or repository layout (GIT_INDEX_FILE, GIT_DIR and their kin): no snapshot.
  if (inputs.env.GIT_INDEX_FILE || process.env.GIT_INDEX_FILE) return null;
  const dirs = readGitDirs(inputs.root, inputs.env);
  if (dirs === null) return null;
  const young = { value: false };
  // Joined by hand: path.join's normalisation, a few hundred times over, is most of this function.
  const at = (rel: string) => stamp(`${inputs.root}/${rel}`, sinceMs, young);
  const parts = [
    SNAPSHOT_FORMAT,
    inputs.operator,
    String(inputs.limit),
    inputs.today,
    `index=${stamp(path.join(dirs.gitDir, 'index'), sinceMs, young)}`,
    `HEAD=${headOf(dirs.gitDir, dirs.commonDir, sinceMs, young)}`,
    ...foldersOf(inputs.config).map((f) => `${f}/=${at(f === '' ? '.' : f)}`),
    `config=${at('canon.config.json')}`,
    `operators=${at('.claude/operators.yaml')}`,
    // The watched notes' paths are in the snapshot beside the key, in the same order.
    ...watch.map(at),
  ];
  // The parts themselves are the key: no hashing, so the hook never loads node:crypto.
  return { key: parts.join('\n'), young: young.value };
}

/**
 * The session and workstream folders from canon.config.json over the defaults, without the schema
 * check (for the hooks and the warm resume, which load no validator); a malformed file gives the defaults.
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

/** The dashboard of the last full run, when nothing it was computed from has changed since. */
export function readResumeSnapshot(inputs: SnapshotInputs): { view: ResumeView; problems: NoteProblem[] } | null {
  let snapshot: Snapshot;
  try {
    snapshot = JSON.parse(readFileSync(path.join(inputs.root, RESUME_SNAPSHOT_FILE), 'utf8')) as Snapshot;
  } catch {
    return null;
  }
  // A snapshot of an earlier format has no `watch`: its key cannot match (the format is its first part).
  if (typeof snapshot?.key !== 'string' || !Array.isArray(snapshot.watch) || !snapshot.key.startsWith(`${SNAPSHOT_FORMAT}\n`)) return null;
  const now = keyOf(inputs, snapshot.watch, Infinity); // reading: nothing is young
  if (now === null || now.key !== snapshot.key) return null;
  return { view: snapshot.view, problems: snapshot.problems };
}

/**
 * Keep this run's dashboard for the next one; `startedMs` is when the run began reading the store.
 * Never when a part changed within two seconds of that: an edit during the run must not hide behind it.
 */
export function writeResumeSnapshot(inputs: SnapshotInputs, watch: readonly string[], view: ResumeView, problems: NoteProblem[], startedMs: number): void {
  const now = keyOf(inputs, watch, startedMs);
  if (now === null || now.young) return;
  try {
    const { unfinished: _unfinished, ...stable } = view;
    // Temp file and rename by hand: this module is in the SessionStart hook's bundle (built-ins only).
    const file = path.join(inputs.root, RESUME_SNAPSHOT_FILE);
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ key: now.key, watch: [...watch], view: stable, problems } satisfies Snapshot)}\n`);
    renameSync(tmp, file);
  } catch {
    // A snapshot only saves time: an unwritable state folder must not fail resume.
  }
}
