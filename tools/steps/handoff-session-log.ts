import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext } from '../context.js';
import type { CanonConfig } from '../core/config.js';
import { parseNote, serializeNote, type Note } from '../core/frontmatter.js';
import { insertSessionLogEntry } from '../core/session-log-entry.js';
import { trimSlashes } from '../core/layout.js';
import { normalizeNote } from '../core/normalize.js';
import { errorMessage } from '../errors.js';
import { editForHandoff, type HandoffFile } from '../io/handoff-git.js';
import { readBlobs, skipWorktreePaths } from '../io/staged.js';
import { gateMessages } from '../messages/gates.js';
import { handoffMessages as m } from '../messages/handoff.js';
import { roadsMessages } from '../messages/roads.js';

/**
 * Step 5: prepend the Session Log line to the workstream, atomically. When the file has uncommitted
 * edits, the staged version is its committed text plus the line, so those edits stay the user's.
 * A missing or unreadable workstream is a warning: the note is what matters.
 */
export async function logInWorkstream(
  root: string,
  config: CanonConfig,
  slug: string,
  entry: string,
  id: string,
  ctx: CommandContext,
  warn: (text: string) => void,
): Promise<HandoffFile | null> {
  const rel = `${trimSlashes(config.folders.workstream)}/${slug}.md`;
  const file = path.join(root, rel);
  const outsideCone = !existsSync(file) && (await skipWorktreePaths(root, [rel])).has(rel);
  if (!existsSync(file) && !outsideCone) {
    warn(m.warn.workstreamMissing(slug, rel));
    return null;
  }
  // The line is made from the session's summary: masked as the commit door would mask a secret in it.
  const { maskSecrets } = await import('../core/secret-scan.js');
  const masked = await maskSecrets(entry);
  if (masked.found > 0) warn(gateMessages.handoff.masked(rel, masked.found));
  const withEntry = (text: string): string => {
    const note: Note = parseNote(text);
    const body = insertSessionLogEntry(note.body, id, masked.text);
    // A file without frontmatter gets only its line: a frontmatter holding nothing but a hash is not canon's to invent.
    return note.hasFrontmatter ? serializeNote(normalizeNote({ ...note, body }, 'workstream')) : body;
  };
  try {
    if (outsideCone) {
      // A sparse checkout left the workstream out: its line goes into the index blob, and the file
      // is not materialised in the working tree (ADR-0024).
      const staged = (await readBlobs(root, [`:${rel}`])).get(`:${rel}`);
      if (!staged) throw new Error(roadsMessages.notInIndex(rel));
      return { rel, stagedText: withEntry(staged.toString('utf8')), skipWorktree: true };
    }
    return await editForHandoff(root, rel, withEntry, { env: ctx.env });
  } catch (error) {
    warn(m.warn.workstreamUnreadable(rel, errorMessage(error)));
    return null;
  }
}
