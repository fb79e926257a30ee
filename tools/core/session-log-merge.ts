// Merging a workstream note that two branches each gave a Session Log line (the handoff of a session
// on each branch): git's text merge sees two insertions at one place, and two content_hash lines, and
// stops with a conflict on every such merge. The merge driver takes the Session Log entries out and
// merges them as a set (keyed by session id), takes the content_hash line out (it is recomputed), and
// leaves everything else to git's own three-way text merge. Pure: the text merge is passed in.

/** One Session Log entry line: `- [ID](…) (date): …` (or the older `- ID (date): …`). */
const ENTRY = /^- (?:\[([A-Z]{2,4}-\d{6}-\d{2,})\]\([^)]*\)|([A-Z]{2,4}-\d{6}-\d{2,})) \((\d{4}-\d{2}-\d{2})\)/;
const HEADING = /^##[ \t]+Session Log[ \t#]*$/i;
/** Stands in for the entries while the rest is merged as text: one line, the same on every side. */
export const SESSION_LOG_SLOT = '<!-- canon: session log entries -->';

export interface SplitNote {
  /** The note without its content_hash line and with its Session Log entries replaced by the slot. */
  text: string;
  /** Entries by session id, in the order they stood. */
  entries: Map<string, string>;
}

/** Take the entries and the content_hash line out of a note's text. */
export function splitSessionLog(text: string): SplitNote {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const entries = new Map<string, string>();
  const out: string[] = [];
  let inFrontmatter = lines[0] === '---';
  let inLog = false;
  let slotted = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (inFrontmatter) {
      if (i > 0 && line === '---') inFrontmatter = false;
      if (!/^content_hash:/.test(line)) out.push(line);
      continue;
    }
    if (/^#{1,2}[ \t]/.test(line)) inLog = HEADING.test(line);
    const m = inLog ? ENTRY.exec(line) : null;
    if (m) {
      entries.set(m[1] ?? m[2]!, line);
      if (!slotted) out.push(SESSION_LOG_SLOT);
      slotted = true;
      continue;
    }
    out.push(line);
  }
  return { text: out.join('\n'), entries };
}

/** Entries added on either side are kept; one removed or changed by one side takes that side's answer. */
export function mergeEntries(base: Map<string, string>, ours: Map<string, string>, theirs: Map<string, string>): string[] {
  const merged: string[] = [];
  for (const id of new Set([...ours.keys(), ...theirs.keys(), ...base.keys()])) {
    const [b, o, t] = [base.get(id), ours.get(id), theirs.get(id)];
    const pick = o === b ? t : o;
    if (pick !== undefined) merged.push(pick);
  }
  // Newest first, as the handoff writes them: by date, then by id.
  const date = (line: string) => ENTRY.exec(line)?.[3] ?? '';
  return merged.sort((x, y) => date(y).localeCompare(date(x)) || y.localeCompare(x));
}

/**
 * Put the merged entries back where the slot is (a side that had none: at the end of its Session Log
 * section, which the text merge kept). null when the merged text has no place for them.
 */
export function joinSessionLog(merged: string, entries: readonly string[]): string | null {
  if (entries.length === 0)
    return merged
      .split('\n')
      .filter((l) => l !== SESSION_LOG_SLOT)
      .join('\n');
  const lines = merged.split('\n');
  const slot = lines.indexOf(SESSION_LOG_SLOT);
  if (slot !== -1) {
    lines.splice(slot, 1, ...entries);
    // A second slot (both sides' text kept in a conflict) goes away.
    return lines.filter((l) => l !== SESSION_LOG_SLOT).join('\n');
  }
  const heading = lines.findIndex((l) => HEADING.test(l));
  if (heading === -1) return null;
  let next = lines.findIndex((l, i) => i > heading && /^#{1,2}[ \t]/.test(l));
  if (next === -1) next = lines.length;
  let end = next;
  while (end > heading + 1 && lines[end - 1]!.trim() === '') end--;
  const after = lines.slice(next);
  return [...lines.slice(0, end), ...(end === heading + 1 ? [''] : []), ...entries, ...(after.length > 0 ? ['', ...after] : [''])].join('\n');
}
