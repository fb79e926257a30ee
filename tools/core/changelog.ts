// CHANGELOG.md, the store's running log of sessions (ADR-0020): one marked section per month,
// newest first, one entry per session with the commits it made. The handoff adds its entry; the INDEX
// merge driver merges two branches' entries (mergeChangelog). Everything outside canon's marked
// sections is the team's and is kept byte for byte. Pure: text in, text out.
import { inertText } from './inert-text.js';

export interface ChangelogEntry {
  id: string;
  /** The note's path relative to the changelog's folder. */
  href: string;
  /** YYYY-MM-DD. */
  date: string;
  title: string;
  /** null: not known (a handoff finished after a kill); the entry then lists none. */
  commits: ReadonlyArray<{ sha: string; subject: string }> | null;
}

/** Where canon's sections go in a file it did not create; `canon handoff` never writes a file without it. */
export const CHANGELOG_ANCHOR = '<!-- canon:changelog -->';
const OPEN = /^<!-- canon:changelog (\d{4}-\d{2}) -->$/;
const open = (month: string) => `<!-- canon:changelog ${month} -->`;
const close = (month: string) => `<!-- /canon:changelog ${month} -->`;

export function newChangelog(): string {
  return `# Changelog\n\nWhat each session did, newest first. \`canon handoff\` adds the entries; the text outside\ncanon's marked sections is yours.\n\n${CHANGELOG_ANCHOR}\n`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** One entry: a list item linking the note, then one indented item per commit. */
export function renderChangelogEntry(entry: ChangelogEntry): string[] {
  // Titles and commit subjects are written inert (ADR-0023): `\x1b`, never a raw ESC.
  const text = (s: string) =>
    inertText(
      s
        .replace(/\s+/g, ' ')
        .trim()
        .replace(/([\\`*_[\]<>])/g, '\\$1'),
    );
  const lines = [`- [${entry.id}](${encodeURI(entry.href)}) · ${entry.date} · ${text(entry.title)}`];
  if (entry.commits?.length === 0) lines.push('  - no commits');
  for (const c of entry.commits ?? []) lines.push(`  - \`${c.sha}\` ${text(c.subject)}`);
  return lines;
}

interface Section {
  month: string;
  /** Entries by session id, each its lines. */
  entries: Map<string, string[]>;
}

interface Parsed {
  /** The file in pieces: the team's text, and canon's sections where they stand. */
  parts: Array<{ text: string } | { section: Section }>;
}

/** Split a changelog into the team's text and canon's month sections; null when a section is not closed. */
function parse(text: string): Parsed | null {
  const lines = text.split('\n');
  const parts: Parsed['parts'] = [];
  let plain: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = OPEN.exec(lines[i]!.trimEnd());
    if (!m) {
      plain.push(lines[i]!);
      continue;
    }
    const month = m[1]!;
    const end = lines.findIndex((l, j) => j > i && l.trimEnd() === close(month));
    if (end === -1) return null;
    if (plain.length > 0) parts.push({ text: plain.join('\n') });
    plain = [];
    const entries = new Map<string, string[]>();
    let current: string[] | null = null;
    for (const line of lines.slice(i + 1, end)) {
      const item = /^- \[([^\]]+)\]\(/.exec(line);
      if (item) {
        current = [line];
        entries.set(item[1]!, current);
      } else if (current !== null && /^\s+\S/.test(line)) current.push(line);
    }
    parts.push({ section: { month, entries } });
    i = end;
  }
  parts.push({ text: plain.join('\n') });
  return { parts };
}

function renderSection(section: Section): string {
  const [y, mo] = section.month.split('-');
  const ids = [...section.entries.keys()].sort(compareEntries(section.entries));
  return [open(section.month), `## ${MONTHS[Number(mo) - 1]} ${y}`, '', ...ids.flatMap((id) => section.entries.get(id)!), close(section.month)].join('\n');
}

/** Newest first: by the entry's date, then by id (ids of one day sort by their sequence number). */
function compareEntries(entries: Map<string, string[]>) {
  const date = (id: string) => / · (\d{4}-\d{2}-\d{2}) · /.exec(entries.get(id)![0]!)?.[1] ?? '';
  return (a: string, b: string) => date(b).localeCompare(date(a)) || b.localeCompare(a);
}

/** A section left without entries (every one merged away) is dropped with the blank line after it. */
function render(parsed: Parsed): string {
  const parts = parsed.parts.filter((p, i) => {
    if ('section' in p) return p.section.entries.size > 0;
    const prev = parsed.parts[i - 1];
    return !(p.text === '' && prev !== undefined && 'section' in prev && prev.section.entries.size === 0);
  });
  return parts.map((p) => ('text' in p ? p.text : renderSection(p.section))).join('\n');
}

/**
 * Put a month's section where it belongs: above the first section of an earlier month (newest
 * first), after the last section when every one is newer, else right after the anchor line. false
 * when there is neither a section nor the anchor.
 */
function placeSection(parsed: Parsed, section: Section): boolean {
  const at = parsed.parts.findIndex((p) => 'section' in p && p.section.month < section.month);
  if (at !== -1) {
    parsed.parts.splice(at, 0, { section }, { text: '' });
    return true;
  }
  const last = parsed.parts.findLastIndex((p) => 'section' in p);
  if (last !== -1) {
    parsed.parts.splice(last + 1, 0, { text: '' }, { section });
    return true;
  }
  for (let i = 0; i < parsed.parts.length; i++) {
    const part = parsed.parts[i]!;
    if (!('text' in part)) continue;
    const lines = part.text.split('\n');
    const anchor = lines.findIndex((l) => l.trimEnd() === CHANGELOG_ANCHOR);
    if (anchor === -1) continue;
    parsed.parts.splice(i, 1, { text: lines.slice(0, anchor + 1).join('\n') }, { text: '' }, { section }, { text: lines.slice(anchor + 1).join('\n') });
    return true;
  }
  return false;
}

/** The file is a changelog canon writes to: it holds canon's anchor or one of its month sections. */
export function isCanonChangelog(text: string): boolean {
  return text.split('\n').some((line) => line.trimEnd() === CHANGELOG_ANCHOR || OPEN.test(line.trimEnd()));
}

/**
 * The changelog with this session's entry in its month's section (replacing an earlier entry of the
 * same id, unless `keepExisting`). null when the file has neither canon's sections nor the anchor (it is the team's file:
 * canon leaves it alone) or a section is not closed.
 */
export function upsertChangelogEntry(text: string, entry: ChangelogEntry, options: { keepExisting?: boolean; lines?: readonly string[] } = {}): string | null {
  const parsed = parse(text);
  if (parsed === null) return null;
  const month = entry.date.slice(0, 7);
  const sections = parsed.parts.flatMap((p) => ('section' in p ? [p.section] : []));
  if (options.keepExisting && sections.some((s) => s.entries.has(entry.id))) return text;
  for (const s of sections) s.entries.delete(entry.id);
  const lines = options.lines === undefined ? renderChangelogEntry(entry) : [...options.lines];
  const own = sections.find((s) => s.month === month);
  if (own) {
    own.entries.set(entry.id, lines);
    return render(parsed);
  }
  return placeSection(parsed, { month, entries: new Map([[entry.id, lines]]) }) ? render(parsed) : null;
}

/** The lines of the entry of `id`, as the file holds them; null when it has none (or is not canon's). */
export function findChangelogEntry(text: string, id: string): string[] | null {
  const parsed = parse(text);
  if (parsed === null) return null;
  for (const part of parsed.parts) if ('section' in part && part.section.entries.has(id)) return [...part.section.entries.get(id)!];
  return null;
}

/**
 * Three-way merge for the merge driver: entries added on either side are kept, an entry one side
 * removed or changed takes that side's answer (both changed it: ours). The team's text must be
 * unchanged on at least one side. null: a conflict git leaves for the user.
 */
export function mergeChangelog(base: string, ours: string, theirs: string): string | null {
  const [b, o, t] = [parse(base) ?? { parts: [{ text: base }] }, parse(ours), parse(theirs)];
  if (o === null || t === null) return null;
  const plain = (p: Parsed) => p.parts.map((x) => ('text' in x ? x.text : `\0${x.section.month}`)).join('\n');
  const entries = (p: Parsed) => {
    const all = new Map<string, { month: string; lines: string[] }>();
    for (const x of p.parts) if ('section' in x) for (const [id, lines] of x.section.entries) all.set(id, { month: x.section.month, lines });
    return all;
  };
  // The skeleton (the team's text and where the sections stand) comes from the side that changed it.
  const skeletonOf = plain(t) === plain(b) ? o : plain(o) === plain(b) ? t : null;
  const [eb, eo, et] = [entries(b), entries(o), entries(t)];
  const same = (x?: { lines: string[] }, y?: { lines: string[] }) => (x?.lines.join('\n') ?? null) === (y?.lines.join('\n') ?? null);
  const merged = new Map<string, { month: string; lines: string[] }>();
  for (const id of new Set([...eo.keys(), ...et.keys(), ...eb.keys()])) {
    const [vb, vo, vt] = [eb.get(id), eo.get(id), et.get(id)];
    const pick = same(vo, vb) ? vt : vo; // one side left it as it was: the other side's answer
    if (pick) merged.set(id, pick);
  }
  let skeleton = skeletonOf;
  if (skeleton === null) {
    // Both sides changed the team's text: mergeable only when they changed it the same way.
    if (plain(o) !== plain(t)) return null;
    skeleton = o;
  }
  const result: Parsed = { parts: skeleton.parts.map((part) => ('text' in part ? part : { section: { month: part.section.month, entries: new Map() } })) };
  const byMonth = new Map(result.parts.flatMap((p) => ('section' in p ? [[p.section.month, p.section] as const] : [])));
  for (const [id, value] of merged) {
    let section = byMonth.get(value.month);
    if (section === undefined) {
      section = { month: value.month, entries: new Map() };
      if (!placeSection(result, section)) return null;
      byMonth.set(value.month, section);
    }
    section.entries.set(id, value.lines);
  }
  return render(result);
}
