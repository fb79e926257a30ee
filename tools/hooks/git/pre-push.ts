import type { CommandContext, CommandOutcome } from '../../context.js';
import { formatIssue } from '../../core/format-issues.js';
import { classifyPath, trimSlashes } from '../../core/layout.js';
import { execGit, splitNul } from '../../io/git.js';
import { listRangeNoteBlobs } from '../../io/range-notes.js';
import { openRepo, type Repo } from '../../io/repo.js';
import { openBlobReader, type BlobRead } from '../../io/staged.js';
import { gateMessages as g } from '../../messages/gates.js';
import { sessionMessages } from '../../messages/session.js';
import { createPaint } from '../../output.js';
import { checkTipNotes } from '../../steps/check-tip-notes.js';
import { scanRangeSecrets, type CommitIssue } from '../../steps/scan-range-secrets.js';

export interface PrePushOptions {
  remote?: string;
  url?: string;
  /** What git wrote on the hook's stdin. */
  refs?: string;
}

export interface PrePushCollision {
  id: string;
  path: string;
  ref: string;
}

const ZERO = /^0+$/;
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** One line per pushed ref, as git writes them on a pre-push hook's stdin:
 *
 *     refs/heads/main 67f4c1e… refs/heads/main 0b2e5d9…
 */
function parsePushRefs(text: string): Array<{ localRef: string; localSha: string; remoteRef: string; remoteSha: string }> {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((parts) => parts.length === 4)
    .map(([localRef, localSha, remoteRef, remoteSha]) => ({ localRef: localRef!, localSha: localSha!, remoteRef: remoteRef!, remoteSha: remoteSha! }));
}

/**
 * canon's pre-push hook, two checks. The push gate (checkPushedNotes, ADR-0022): no note the commit
 * door would refuse reaches the remote, whatever road it took around the door. And a push that adds
 * a session file whose id already exists, with other content, on the remote-tracking branch is
 * refused: the push would be rejected anyway once the user fetched, and `git pull --rebase` would
 * then stop on an add/add conflict in a note. Both use what the last fetch brought, never the
 * network; the collision check lets the push go when it cannot tell (no tracking ref, a bare URL).
 */
export async function runPrePush(
  options: PrePushOptions,
  ctx: CommandContext,
): Promise<CommandOutcome<{ collisions: PrePushCollision[]; issues: CommitIssue[] }>> {
  if (ctx.env.CANON_HOOKS === '0') return { exitCode: 0, result: { collisions: [], issues: [] } };
  const repo = openRepo(ctx.cwd);
  const issues = await checkPushedNotes(repo, options, ctx);
  const git = async (args: string[]) => {
    const r = await execGit(args, { cwd: repo.root, env: ctx.env });
    return r.code === 0 ? r.stdout : null;
  };
  const folder = trimSlashes(repo.config.folders.session);
  const collisions: PrePushCollision[] = [];

  const pushes = parsePushRefs(options.refs ?? '');
  const gateRefused = reportGate(repo, issues, ctx);
  // git leaves a ref it already knows to be non-fast-forward off the hook's stdin, and that is the
  // usual shape of a collision (the fetch brought the other clone's note). So the current branch is
  // always checked against its upstream on this remote, which is what a plain `git push` pushes.
  // One process for both: it fails when either is missing (an unborn HEAD, no upstream), and then there is nothing to add.
  const [head, upstreamRef = ''] = ((await git(['rev-parse', 'HEAD', '--symbolic-full-name', '@{upstream}'])) ?? '').trim().split('\n');
  const remotePrefix = `refs/remotes/${options.remote ?? 'origin'}/`;
  if (head && upstreamRef.startsWith(remotePrefix)) {
    pushes.push({ localRef: 'HEAD', localSha: head, remoteRef: `refs/heads/${upstreamRef.slice(remotePrefix.length)}`, remoteSha: '0' });
  }

  // The same commit to the same branch (a plain `git push` of the current branch is both on stdin and
  // its upstream) is checked once: the stdin line comes first and knows at least as much (the remote's tip).
  const checked = new Set<string>();
  for (const push of pushes) {
    if (ZERO.test(push.localSha) || !push.remoteRef.startsWith('refs/heads/')) continue;
    if (checked.has(`${push.localSha} ${push.remoteRef}`)) continue;
    checked.add(`${push.localSha} ${push.remoteRef}`);
    const tracking = `refs/remotes/${options.remote ?? 'origin'}/${push.remoteRef.slice('refs/heads/'.length)}`;
    let upstream = (await git(['rev-parse', '-q', '--verify', `${tracking}^{commit}`]))?.trim();
    let upstreamName = tracking.replace(/^refs\/remotes\//, '');
    // Pushing to a URL, or a branch never fetched: the remote's own tip is the next best thing, if we have it.
    if (!upstream && !ZERO.test(push.remoteSha) && (await git(['cat-file', '-e', `${push.remoteSha}^{commit}`])) !== null) {
      upstream = push.remoteSha;
      upstreamName = push.remoteRef;
    }
    if (!upstream) continue;
    const base = (await git(['merge-base', upstream, push.localSha]))?.trim() || EMPTY_TREE;
    const added = await git(['diff', '--name-only', '-z', '--no-renames', '--diff-filter=A', base, push.localSha, '--', `${folder}/`]);
    const differs = await git(['diff', '--name-only', '-z', '--no-renames', '--diff-filter=M', upstream, push.localSha, '--', `${folder}/`]);
    if (added === null || differs === null) continue;
    const changed = new Set(splitNul(differs));
    for (const rel of splitNul(added)) {
      const info = classifyPath(rel, repo.config);
      if (info?.role !== 'note' || !changed.has(rel)) continue;
      if (!collisions.some((c) => c.path === rel)) collisions.push({ id: info.stem, path: rel, ref: upstreamName });
    }
  }

  if (collisions.length > 0) {
    for (const c of collisions) ctx.logger.err(sessionMessages.prePush.collision(c.id, c.path, c.ref));
    ctx.logger.err(sessionMessages.prePush.collisionHint(collisions.map((c) => c.id)));
  }
  return { exitCode: collisions.length > 0 || gateRefused ? 1 : 0, result: { collisions, issues } };
}

/**
 * The push gate: every note blob of the commits the remote lacks (`<local> --not <remote's tip>
 * <remote-tracking refs>`; a new branch: whatever no remote-tracking ref of this remote has) is
 * scanned for secrets, and the notes those commits touch are checked as they stand in the pushed
 * tip (checkTipNotes). Deleted refs push nothing. The cost follows the commits and notes pushed.
 */
async function checkPushedNotes(repo: Repo, options: PrePushOptions, ctx: CommandContext): Promise<CommitIssue[]> {
  const git = async (args: string[]) => {
    const r = await execGit(args, { cwd: repo.root, env: ctx.env });
    return r.code === 0 ? r.stdout : null;
  };
  // `git push <url>` passes the URL as the remote's name too: then there are no tracking refs to use.
  const named = options.remote !== undefined && options.remote !== options.url && (await git(['config', '--get', `remote.${options.remote}.url`])) !== null;
  const issues: CommitIssue[] = [];
  const scanned = new Set<string>();
  const tips = new Set<string>();
  // One `git cat-file --batch` for every blob the gate reads, whatever the refs and steps.
  const reader = openBlobReader(repo.root);
  try {
    for (const push of parsePushRefs(options.refs ?? '')) await checkPush(push, reader.read);
  } finally {
    reader.close();
  }
  return dedupe(issues);

  async function checkPush(push: ReturnType<typeof parsePushRefs>[number], read: BlobRead): Promise<void> {
    if (ZERO.test(push.localSha)) return;
    // `<sha>\0<subject>` of the pushed commit (a tag is peeled to its commit).
    const [tip, subject = ''] = ((await git(['log', '-1', '--format=%H%x00%s', push.localSha])) ?? '').trim().split('\0');
    if (!tip || tips.has(tip)) return;
    tips.add(tip);
    const not: string[] = [];
    if (!ZERO.test(push.remoteSha) && (await git(['cat-file', '-e', `${push.remoteSha}^{commit}`])) !== null) not.push(push.remoteSha);
    if (named) not.push(`--remotes=${options.remote}`);
    const { blobs, indexes } = await listRangeNoteBlobs(repo.root, repo.config, [tip, '--not', ...not], ctx.env);
    if (blobs.length === 0 && indexes.length === 0) return;
    issues.push(...(await scanRangeSecrets(repo.root, blobs, scanned, read)));
    issues.push(...(await checkTipNotes(repo, tip, subject, blobs, indexes, read)));
    for (const issue of issues) if (issue.commit === tip) issue.tip = true;
  }
}

/** The same finding reached through two pushed refs is reported once. */
function dedupe(issues: CommitIssue[]): CommitIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.commit}|${i.file}|${i.line}|${i.column}|${i.rule}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Print the refusal, grouped by commit, with how to rewrite each; true when the push must stop. */
function reportGate(repo: Repo, issues: readonly CommitIssue[], ctx: CommandContext): boolean {
  // Warn mode (schema migrations) lets invalid notes through, never a secret or a symlink.
  const blocking = repo.config.precommit.mode === 'warn' ? issues.filter((i) => i.rule.startsWith('secret/') || i.rule === 'file/symlink') : issues;
  if (blocking.length === 0) return false;
  const paint = createPaint(ctx.logger.color);
  const byCommit = new Map<string, CommitIssue[]>();
  for (const issue of blocking) byCommit.set(issue.commit ?? '', [...(byCommit.get(issue.commit ?? '') ?? []), issue]);
  for (const [sha, list] of byCommit) {
    ctx.logger.err(g.push.commit(sha, list[0]!.subject ?? ''));
    for (const issue of list) ctx.logger.err(`  ${formatIssue(issue, paint)}`);
    const files = (rule: (r: string) => boolean) => [...new Set(list.filter((i) => rule(i.rule)).map((i) => i.file))];
    const secretFiles = files((r) => r.startsWith('secret/'));
    const noteFiles = files((r) => !r.startsWith('secret/') && !r.startsWith('index/'));
    if (secretFiles.length > 0) ctx.logger.err(g.push.secretFix(sha, list[0]!.tip === true, secretFiles));
    if (noteFiles.length > 0) ctx.logger.err(g.push.noteFix(noteFiles));
    if (list.some((i) => i.rule.startsWith('index/'))) ctx.logger.err(g.push.indexFix);
  }
  ctx.logger.err(g.push.refused);
  return true;
}
