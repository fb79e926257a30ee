import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { parseNote, serializeNote, setFrontmatter } from '../core/frontmatter.js';
import { GENERATED_MARKER, indexRowFor, monthTitle, shardRowFile, spliceIndex } from '../core/index-render.js';
import { trimSlashes } from '../core/layout.js';
import { normalizeNote } from '../core/normalize.js';
import { parseSessionId, replaceInSessionLog } from '../core/session-id.js';
import { UsageError, UserError } from '../errors.js';
import { writeFileSafely } from '../io/fs.js';
import { execGit, splitNul } from '../io/git.js';
import { stageFiles, type HandoffFile } from '../io/handoff-git.js';
import { openRepo, type Repo } from '../io/repo.js';
import { claimSessionId, releaseClaim } from '../io/session-claim.js';
import { sessionMessages } from '../messages/session.js';
import { classifyIndexFile, renderAllIndexes } from '../steps/note-indexes.js';
import { applyFollowLinks, planFollowLinks } from '../steps/links-follow.js';
import { linkMessages } from '../messages/links.js';

export interface SessionRenameOptions {
  id: string;
  json?: boolean;
}

export interface SessionRenameResult {
  from: string;
  to: string;
  path: string;
  /** Files canon changed, repository-relative. */
  files: string[];
  /** Notes whose links to the renamed note were updated (included in `files`). */
  links: string[];
  /** committed: the rename was folded into the unpushed commit that added the note. */
  git: 'working-tree' | 'staged' | 'committed' | 'fixup-left';
}

/**
 * Move a session note to the next free id of its operator and day (skipping ids on the upstream
 * branch), fixing its external_id, the workstream's Session Log and the INDEX files. When the note
 * arrived in unpushed commits, the rename is folded into the commit that added it (fixup + autosquash
 * onto the fork point, no upstream commits pulled in), so the old id never existed in local history
 * and `git pull --rebase` replays the note under its new name without an add/add conflict.
 * Every note that links to it follows (ADR-0018): in the rename's commit, or, when the rename is
 * folded into an earlier commit, in one commit on top (a later note's link cannot be folded into a
 * commit that came before it); staged only where the rename is, never with a user's unstaged edits.
 */
export async function runSessionRename(options: SessionRenameOptions, ctx: CommandContext): Promise<CommandOutcome<SessionRenameResult>> {
  const repo = openRepo(ctx.cwd);
  const from = options.id.replace(/\.md$/, '').split('/').pop() ?? '';
  const parsed = parseSessionId(from);
  if (!parsed) throw new UsageError(sessionMessages.rename.notAnId(options.id));
  const folder = trimSlashes(repo.config.folders.session);
  const oldRel = `${folder}/${from}.md`;
  const oldFile = path.join(repo.root, oldRel);
  if (!existsSync(oldFile)) throw new UsageError(sessionMessages.rename.missing(oldRel));

  const git = (args: string[], env: NodeJS.ProcessEnv = ctx.env) => execGit(args, { cwd: repo.root, env });
  const ok = async (args: string[]) => (await git(args)).code === 0;
  const inHead = await ok(['cat-file', '-e', `HEAD:${oldRel}`]);
  const inIndex = (await git(['ls-files', '--', oldRel])).stdout.trim() !== '';
  if (inHead) {
    const dirty = splitNul((await git(['status', '--porcelain', '-z', '--untracked-files=no'])).stdout).map((e) => e.slice(3));
    if (dirty.length > 0) throw new UserError(sessionMessages.rename.dirty(dirty), { hint: sessionMessages.rename.dirtyHint });
  }

  const text = readFileSync(oldFile, 'utf8');
  const note = parseNote(text);
  const slug = typeof note.data.operator === 'string' ? note.data.operator : 'unknown';
  const claim = await claimSessionId(repo.root, repo.config, {
    operator: { slug, initials: parsed.initials },
    date: parsed.date,
    now: ctx.now(),
    env: ctx.env,
  });
  const to = claim.id;
  const files = [oldRel, claim.path];
  try {
    const moved = normalizeNote(setFrontmatter(note, { external_id: to }), 'session');
    await writeFileSafely(path.join(repo.root, claim.path), serializeNote(moved));
    unlinkSync(oldFile);
  } catch (error) {
    releaseClaim(repo.root, to, repo.config);
    throw error;
  }
  files.push(...(await renameInWorkstream(repo, note.data.workstream, from, to)));
  files.push(...(await refreshIndexes(repo)));

  const renames = [{ fromRel: oldRel, toRel: claim.path, fromId: from, toId: to }];
  const links: string[] = [];
  const followLinks = async (stage: boolean) => {
    const changed = await applyFollowLinks(repo, await planFollowLinks(repo, renames), stage);
    links.push(...changed.filter((rel) => !links.includes(rel)));
    return changed;
  };
  let state: SessionRenameResult['git'] = 'working-tree';
  if (inHead) state = await commitRename(repo, ctx, { oldRel, from, to, files, followLinks });
  else if (inIndex) {
    await stageRename(repo, ctx, { oldRel, newRel: claim.path, from, to, files });
    await followLinks(true);
    state = 'staged';
  } else await followLinks(false);
  files.push(...links.filter((rel) => !files.includes(rel)));

  const result = { from, to, path: claim.path, files, links, git: state };
  if (options.json) ctx.logger.out(JSON.stringify(result, null, 2));
  else {
    ctx.logger.out(sessionMessages.rename.renamed(from, to));
    if (links.length > 0) ctx.logger.err(linkMessages.followed(links.length));
    if (state === 'staged') ctx.logger.err(sessionMessages.rename.staged);
    if (state === 'working-tree') ctx.logger.err(sessionMessages.rename.workingTree);
  }
  if (state === 'fixup-left') ctx.logger.err(sessionMessages.rename.fixupLeft(from));
  return { exitCode: state === 'fixup-left' ? 1 : 0, result };
}

async function renameInWorkstream(repo: Repo, workstream: unknown, from: string, to: string): Promise<string[]> {
  if (typeof workstream !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(workstream)) return [];
  const rel = `${trimSlashes(repo.config.folders.workstream)}/${workstream}.md`;
  let text: string;
  try {
    text = readFileSync(path.join(repo.root, rel), 'utf8');
  } catch {
    return [];
  }
  const note = parseNote(text);
  const body = replaceInSessionLog(note.body, from, to);
  if (body === null) return [];
  const updated = note.hasFrontmatter ? serializeNote(normalizeNote({ ...note, body }, 'workstream')) : body;
  await writeFileSafely(path.join(repo.root, rel), updated);
  return [rel];
}

/** Rewrite the INDEX files canon generated that the rename changed; never create one that was not there. */
async function refreshIndexes(repo: Repo): Promise<string[]> {
  const changed: string[] = [];
  for (const [rel, text] of renderAllIndexes(repo)) {
    if (text === null) continue;
    let current: string;
    try {
      current = readFileSync(path.join(repo.root, rel), 'utf8');
    } catch {
      continue;
    }
    if (current === text || !current.startsWith(GENERATED_MARKER)) continue;
    await writeFileSafely(path.join(repo.root, rel), text);
    changed.push(rel);
  }
  return changed;
}

interface CommitChange {
  oldRel: string;
  from: string;
  to: string;
  files: string[];
  /** Update the notes that link to the renamed one (working files and index); returns them. */
  followLinks: (stage: boolean) => Promise<string[]>;
}

async function commitRename(repo: Repo, ctx: CommandContext, change: CommitChange): Promise<SessionRenameResult['git']> {
  const { oldRel, from, to, files } = change;
  // Canon's own hooks have nothing to add: the files were produced, normalised and indexed above.
  const quiet = { ...ctx.env, HUSKY: '0', CANON_HOOKS: '0', GIT_EDITOR: 'true', GIT_SEQUENCE_EDITOR: 'true' };
  const git = (args: string[]) => execGit(args, { cwd: repo.root, env: quiet });
  const upstream = (await git(['rev-parse', '-q', '--verify', '@{upstream}'])).stdout.trim();
  const base = upstream ? (await git(['merge-base', 'HEAD', upstream])).stdout.trim() : '';
  const pushed = base !== '' && (await git(['cat-file', '-e', `${base}:${oldRel}`])).code === 0;
  const range = base ? `${base}..HEAD` : 'HEAD';
  const adder = pushed ? '' : (await git(['log', '--format=%H', '--diff-filter=A', '-1', range, '--', oldRel])).stdout.trim();

  // The linking notes are clean (a rename refuses a dirty tree), so staging them stages only the link edits.
  if (!adder) await change.followLinks(true);
  await git(['add', '-A', '--', ...files]);
  const message = adder ? ['--fixup', adder] : ['-m', `Rename session ${from} to ${to}`];
  const commit = await git(['commit', '-q', '--no-verify', ...message]);
  if (commit.code !== 0) throw new UserError(`git commit failed: ${commit.stderr.trim() || commit.stdout.trim()}`);
  if (!adder) return 'committed';

  const rebase = await git(['rebase', '-q', '-i', '--autosquash', '--rebase-merges', ...(base ? [base] : ['--root'])]);
  if (rebase.code === 0) {
    ctx.logger.err(sessionMessages.rename.rewritten(Number((await git(['rev-list', '--count', range])).stdout.trim()) || 1));
    if ((await change.followLinks(true)).length > 0) {
      const follow = await git(['commit', '-q', '--no-verify', '-m', linkMessages.followCommit(from, to)]);
      if (follow.code !== 0) throw new UserError(`git commit failed: ${follow.stderr.trim() || follow.stdout.trim()}`);
    }
    return 'committed';
  }
  await git(['rebase', '--abort']);
  await change.followLinks(true);
  return 'fixup-left';
}

/**
 * A note that is staged but not committed: stage the rename and only the rename. Every staged blob is
 * built from the staged version of its file (`git show :path`) with the same edit the working file got,
 * so edits the user has not staged (to the note, the workstream, an INDEX) stay unstaged. A file that
 * is not in the index (untracked) is left out: staging it would stage all of it.
 */
async function stageRename(
  repo: Repo,
  ctx: CommandContext,
  change: { oldRel: string; newRel: string; from: string; to: string; files: readonly string[] },
): Promise<void> {
  const { oldRel, newRel, from, to } = change;
  const git = (args: string[]) => execGit(args, { cwd: repo.root, env: ctx.env });
  const staged = async (rel: string): Promise<string | null> => {
    const shown = await git(['cat-file', 'blob', `:${rel}`]);
    return shown.code === 0 ? shown.stdout : null;
  };
  const fail = (what: string, stderr: string): never => {
    throw new UserError(sessionMessages.rename.stageFailed(what, stderr.trim()), { hint: sessionMessages.rename.stageFailedHint });
  };

  const oldText = await staged(oldRel);
  if (oldText === null) fail(oldRel, 'not in the index');
  const moved = normalizeNote(setFrontmatter(parseNote(oldText!), { external_id: to }), 'session');
  const blobs: HandoffFile[] = [{ rel: newRel, stagedText: serializeNote(moved) }];
  const workstreamFolder = `${trimSlashes(repo.config.folders.workstream)}/`;
  for (const rel of change.files) {
    if (rel === oldRel || rel === newRel) continue;
    const text = await staged(rel);
    if (text === null) continue;
    let updated: string | null = null;
    if (rel.startsWith(workstreamFolder)) {
      const note = parseNote(text);
      const body = replaceInSessionLog(note.body, from, to);
      if (body !== null) updated = note.hasFrontmatter ? serializeNote(normalizeNote({ ...note, body }, 'workstream')) : body;
    } else {
      const info = classifyIndexFile(rel, repo.config);
      // The month list and the root map do not change: the note keeps its date, so its month.
      if (info?.kind === 'session' && !info.monthList && text.includes(`](${encodeURI(shardRowFile(`${from}.md`))}) |`)) {
        updated = spliceIndex(
          'session',
          text,
          [indexRowFor('session', shardRowFile(`${to}.md`), to, moved.data)],
          [shardRowFile(`${from}.md`)],
          info.month === null ? undefined : monthTitle(info.month),
        );
      }
    }
    if (updated !== null && updated !== text) blobs.push({ rel, stagedText: updated });
  }
  const removed = await git(['update-index', '--force-remove', '--', oldRel]);
  if (removed.code !== 0) fail(oldRel, removed.stderr);
  const added = await stageFiles(repo.root, blobs, ctx.env);
  if (added.code !== 0) fail(blobs.map((b) => b.rel).join(', '), added.stderr);
}
