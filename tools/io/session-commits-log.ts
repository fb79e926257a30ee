// Which commits each Claude Code session made, recorded as they happen (ADR-0027). Claude Code gives
// every Bash tool call `$CLAUDE_CODE_SESSION_ID`, and a `git commit` run there passes it on to canon's
// post-commit hook, which appends the new commit to that session's log. A note then counts exactly
// its own session's commits: a parallel terminal, another session's handoff or a colleague's pulled
// commit of the same hour never lands in it, which is what "since the session started, by the
// operator's emails" could not promise.
//
// One file per session in the clone's common git dir (so every worktree of the clone shares them):
//
//     .git/canon/sessions/3f1c9a2e-….commits
//     c 9d2b6f0c1e…    a commit the session made
//     c 4a77e01b9f…
//     h 4a77e01b9f…    a handoff of the session was committed: it covered everything above
//
// A rewrite (amend, rebase) maps old ids to new ones through post-rewrite (remapSessionCommits).
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readGitDirs } from './dot-git.js';
import { execGit } from './git.js';

const FOLDER = 'canon/sessions';
/** Session ids are UUIDs from Claude Code; anything that could leave the folder is not recorded. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

export interface SessionCommits {
  /** Whether this clone records sessions' commits at all (some session has a log here). */
  recording: boolean;
  /** The session's commits since its last handoff, oldest first, without repeats. */
  shas: string[];
}

async function commonDir(root: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const dirs = readGitDirs(root, env);
  if (dirs !== null) return dirs.commonDir;
  const result = await execGit(['rev-parse', '--git-common-dir'], { cwd: root, env });
  return result.code === 0 ? path.resolve(root, result.stdout.trim()) : null;
}

function logFile(dir: string, sessionId: string): string | null {
  return SAFE_ID.test(sessionId) ? path.join(dir, FOLDER, `${sessionId}.commits`) : null;
}

function append(dir: string, sessionId: string, line: string): boolean {
  const file = logFile(dir, sessionId);
  if (file === null) return false;
  mkdirSync(path.dirname(file), { recursive: true });
  // One short O_APPEND write: concurrent commits of one session never interleave inside a line.
  appendFileSync(file, `${line}\n`);
  return true;
}

/** The common dir and the full id of `rev`: one git process at most (none for a full id in a plain layout). */
async function resolve(root: string, rev: string, env: NodeJS.ProcessEnv): Promise<{ dir: string; sha: string } | null> {
  const dirs = SHA.test(rev) ? readGitDirs(root, env) : null;
  if (dirs !== null) return { dir: dirs.commonDir, sha: rev };
  const result = await execGit(['rev-parse', '--git-common-dir', `${rev}^{commit}`], { cwd: root, env });
  if (result.code !== 0) return null;
  const [dir = '', sha = ''] = result.stdout.trim().split('\n');
  return SHA.test(sha) ? { dir: path.resolve(root, dir), sha } : null;
}

/** post-commit: HEAD is a commit of this session. */
export async function recordSessionCommit(root: string, sessionId: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const head = await resolve(root, 'HEAD', env);
  return head !== null && append(head.dir, sessionId, `c ${head.sha}`);
}

/** handoff: the session's note is committed as `rev` (best its full id); the next handoff of the session starts after it. */
export async function markSessionHandoff(root: string, sessionId: string, rev: string, env: NodeJS.ProcessEnv): Promise<void> {
  const commit = await resolve(root, rev, env);
  if (commit !== null) append(commit.dir, sessionId, `h ${commit.sha}`);
}

/** Parse a session log (the format above); unknown lines are skipped. */
function parseSessionCommitsLog(text: string): string[] {
  let shas: string[] = [];
  for (const line of text.split('\n')) {
    const [kind, sha = ''] = line.trim().split(/\s+/);
    if (!SHA.test(sha)) continue;
    if (kind === 'c' && !shas.includes(sha)) shas.push(sha);
    else if (kind === 'h') shas = [];
  }
  return shas;
}

export async function readSessionCommits(root: string, sessionId: string, env: NodeJS.ProcessEnv): Promise<SessionCommits> {
  const dir = await commonDir(root, env);
  const file = dir === null ? null : logFile(dir, sessionId);
  if (dir === null || file === null) return { recording: false, shas: [] };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { recording: existsSync(path.join(dir, FOLDER)), shas: [] };
  }
  return { recording: true, shas: parseSessionCommitsLog(text) };
}

/**
 * post-rewrite: `git commit --amend` and `git rebase` give commits new ids (stdin: `old new` per
 * line). Every session log that names an old id names the new one instead.
 */
export async function remapSessionCommits(root: string, pairs: ReadonlyMap<string, string>, env: NodeJS.ProcessEnv): Promise<number> {
  if (pairs.size === 0) return 0;
  const dir = await commonDir(root, env);
  if (dir === null) return 0;
  let names: string[];
  try {
    names = readdirSync(path.join(dir, FOLDER)).filter((name) => name.endsWith('.commits'));
  } catch {
    return 0;
  }
  let changed = 0;
  for (const name of names) {
    const file = path.join(dir, FOLDER, name);
    const text = readFileSync(file, 'utf8');
    const next = text.replace(/^([ch]) ([0-9a-f]{40,64})$/gm, (line, kind: string, sha: string) => {
      const mapped = pairs.get(sha);
      return mapped === undefined ? line : `${kind} ${mapped}`;
    });
    if (next !== text) {
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, next);
      renameSync(tmp, file);
      changed++;
    }
  }
  return changed;
}
