import type { CommandContext, CommandOutcome } from '../context.js';
import { classifyPath, trimSlashes } from '../core/layout.js';
import { execGit, splitNul } from '../io/git.js';
import { openRepo } from '../io/repo.js';
import { sessionMessages } from '../messages/session.js';

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
export function parsePushRefs(text: string): Array<{ localRef: string; localSha: string; remoteRef: string; remoteSha: string }> {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((parts) => parts.length === 4)
    .map(([localRef, localSha, remoteRef, remoteSha]) => ({ localRef: localRef!, localSha: localSha!, remoteRef: remoteRef!, remoteSha: remoteSha! }));
}

/**
 * Refuse a push that adds a session file whose id already exists, with other content, on the
 * remote-tracking branch: the push would be rejected anyway once the user fetched, and `git pull
 * --rebase` would then stop on an add/add conflict in a note. Uses what the last fetch brought, never
 * the network. When it cannot tell (no tracking ref, a push to a bare URL) it lets the push go.
 */
export async function runPrePush(options: PrePushOptions, ctx: CommandContext): Promise<CommandOutcome<{ collisions: PrePushCollision[] }>> {
  const repo = openRepo(ctx.cwd);
  const git = async (args: string[]) => {
    const r = await execGit(args, { cwd: repo.root, env: ctx.env });
    return r.code === 0 ? r.stdout : null;
  };
  const folder = trimSlashes(repo.config.folders.session);
  const collisions: PrePushCollision[] = [];

  const pushes = parsePushRefs(options.refs ?? '');
  // git leaves a ref it already knows to be non-fast-forward off the hook's stdin, and that is the
  // usual shape of a collision (the fetch brought the other clone's note). So the current branch is
  // always checked against its upstream on this remote, which is what a plain `git push` pushes.
  const upstreamRef = (await git(['rev-parse', '--symbolic-full-name', '@{upstream}']))?.trim() ?? '';
  const remotePrefix = `refs/remotes/${options.remote ?? 'origin'}/`;
  const head = (await git(['rev-parse', '-q', '--verify', 'HEAD']))?.trim();
  if (head && upstreamRef.startsWith(remotePrefix)) {
    pushes.push({ localRef: 'HEAD', localSha: head, remoteRef: `refs/heads/${upstreamRef.slice(remotePrefix.length)}`, remoteSha: '0' });
  }

  for (const push of pushes) {
    if (ZERO.test(push.localSha) || !push.remoteRef.startsWith('refs/heads/')) continue;
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
  return { exitCode: collisions.length > 0 ? 1 : 0, result: { collisions } };
}
