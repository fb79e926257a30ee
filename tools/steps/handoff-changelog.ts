import path from 'node:path';
import type { CommandContext } from '../context.js';
import { findChangelogEntry, newChangelog, upsertChangelogEntry, type ChangelogEntry } from '../core/changelog.js';
import type { CanonConfig } from '../core/config.js';
import { errorMessage } from '../errors.js';
import { readTextOrNull } from '../io/fs.js';
import { editForHandoff, type HandoffFile } from '../io/handoff-git.js';
import { gateMessages } from '../messages/gates.js';
import { handoffMessages as m } from '../messages/handoff.js';

/**
 * Step 5b: the session's entry in the changelog (`changelog.file`, default CHANGELOG.md), created
 * when missing. A changelog canon did not make (no canon section, no anchor) is left alone with a
 * warning. As with the Session Log, uncommitted edits of the file stay the user's: the staged version
 * is its committed text plus the entry. A problem is a warning: the note is what matters.
 */
export async function addToChangelog(
  root: string,
  config: CanonConfig,
  entry: Omit<ChangelogEntry, 'href'> & { path: string },
  ctx: CommandContext,
  warn: (text: string) => void,
  options: { keepExisting?: boolean } = {},
): Promise<HandoffFile | null> {
  const rel = config.changelog.file;
  if (rel === null) return null;
  const { path: notePath, ...rest } = entry;
  // Commit subjects and the title are other people's text: a token typed into `git commit -m` must
  // not be copied into a file that is committed and pushed. Masked as the commit door masks it.
  const { maskSecrets } = await import('../core/secret-scan.js');
  let masked = 0;
  const mask = async (text: string) => {
    const out = await maskSecrets(text);
    masked += out.found;
    return out.text;
  };
  const title = await mask(rest.title);
  const commits = rest.commits === null ? null : await Promise.all(rest.commits.map(async (c) => ({ sha: c.sha, subject: await mask(c.subject) })));
  if (masked > 0) warn(gateMessages.handoff.masked(rel, masked));
  const full: ChangelogEntry = { ...rest, title, commits, href: path.posix.relative(path.posix.dirname(rel), notePath) };
  try {
    // Finishing a killed handoff (keepExisting): the entry it wrote is committed as it stands, so the
    // working file and the commit agree and CHANGELOG.md is not left modified.
    const written = options.keepExisting ? readTextOrNull(path.join(root, rel)) : null;
    const lines = written === null ? null : findChangelogEntry(written, entry.id);
    const edit = (text: string) => upsertChangelogEntry(text, full, lines === null ? options : { ...options, lines });
    const file = await editForHandoff(root, rel, edit, { env: ctx.env, initial: newChangelog() });
    if (file === null) warn(m.warn.changelogNotOurs(rel));
    return file;
  } catch (error) {
    warn(m.warn.changelogFailed(rel, errorMessage(error)));
    return null;
  }
}
