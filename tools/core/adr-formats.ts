import { HEADING, proseLines } from './markdown-lines.js';

/**
 * What an ADR written for another tool says about itself in its body. The three common shapes:
 *
 * adr-tools / Nygard:
 *
 *     # 2. Use Postgres
 *
 *     Date: 2024-03-01
 *
 *     ## Status
 *
 *     Accepted
 *
 *     Supersedes [1. Use MySQL](0001-use-mysql.md)
 *
 * MADR 2 (`*` bullets) and log4brains (`-` bullets, plus Tags), before the first `##` section:
 *
 *     # Use Markdown Architectural Decision Records
 *
 *     * Status: accepted <!-- optional -->
 *     * Deciders: Roman, Sergei
 *     * Date: 2024-03-01
 *     - Tags: docs, process
 *
 * MADR 3/4 keep `status`/`date`/`decision-makers` in YAML front matter, which backfill reads as keys.
 * Values come back as the raw text; the caller converts and says where each came from.
 */
export interface AdrBodyFacts {
  status: AdrFact | null;
  date: AdrFact | null;
  deciders: AdrFact | null;
  tags: AdrFact | null;
  /** The link (or text) after `Supersedes` in the status section or a `Supersedes:` line. */
  supersedes: AdrFact | null;
}

export interface AdrFact {
  text: string;
  /** Which part of the body said it: `Status:` line, `## Status` section. */
  from: 'line' | 'section';
}

const META_LINE = /^\s{0,3}(?:[-*+]\s+)?(?:\*\*|__)?(status|date|deciders|decision-makers|tags|supersedes)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.*?)\s*$/i;

export function parseAdrBody(body: string): AdrBodyFacts {
  const lines = proseLines(body);
  const facts: AdrBodyFacts = { status: null, date: null, deciders: null, tags: null, supersedes: null };
  const set = (key: keyof AdrBodyFacts, text: string, from: AdrFact['from']) => {
    const clean = cleanValue(text);
    if (facts[key] === null && clean !== '') facts[key] = { text: clean, from };
  };

  // Metadata lines belong to the preamble: after the title, before the first `##` section. A
  // `Date:` further down is part of the decision's prose, not the ADR's date.
  for (const line of lines) {
    const heading = HEADING.exec(line);
    if (heading && heading[1]!.length >= 2) break;
    const meta = META_LINE.exec(line);
    if (!meta) continue;
    const key = meta[1]!.toLowerCase();
    set(key === 'decision-makers' ? 'deciders' : (key as keyof AdrBodyFacts), meta[2]!, 'line');
  }

  const section = sectionParagraphs(lines, 'status');
  if (section.length > 0) {
    set('status', section[0]!, 'section');
    for (const paragraph of section) {
      const supersedes = /^supersedes\b:?\s*(.*)$/i.exec(paragraph);
      if (supersedes) set('supersedes', supersedes[1]!, 'section');
    }
  }
  return facts;
}

/** The paragraphs (each joined to one line) of the `## <name>` section. */
function sectionParagraphs(lines: readonly string[], name: string): string[] {
  const start = lines.findIndex((l) => {
    const h = HEADING.exec(l);
    return h !== null && h[1]!.length >= 2 && h[2]!.trim().toLowerCase() === name;
  });
  if (start === -1) return [];
  const paragraphs: string[] = [];
  let current: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (HEADING.test(line)) break;
    if (line === '') {
      if (current.length > 0) paragraphs.push(current.join(' '));
      current = [];
    } else current.push(line.replace(/^(?:[-*+]|>)\s+/, ''));
  }
  if (current.length > 0) paragraphs.push(current.join(' '));
  return paragraphs;
}

/** Drop HTML comments, emphasis markers and template placeholders (`[list everyone involved]`, `{YYYY-MM-DD}`). */
function cleanValue(text: string): string {
  const value = text
    .replace(/<!--.*?-->/g, '')
    .replace(/^(?:\*\*|__|\*|_|`)+|(?:\*\*|__|\*|_|`)+$/g, '')
    .trim();
  if (/^\[[^\]]*\]$/.test(value) || /^\{.*\}$/.test(value)) return '';
  return value;
}

export type AdrStatus = 'proposed' | 'accepted' | 'superseded' | 'deprecated';

export interface MappedStatus {
  status: AdrStatus;
  /** The team's word when canon's enum has no such status (rejected, draft): kept as `status_original`. */
  original: string | null;
}

/**
 * canon's four statuses hold every status these tools write. `rejected` (MADR, log4brains) is a
 * decision that no longer guides the code, so it reads as deprecated; `draft` (log4brains) is a
 * proposal not yet put to the deciders. Both keep the team's word. Anything else is not guessed.
 */
const STATUS_WORDS: Record<string, { status: AdrStatus; keep: boolean }> = {
  accepted: { status: 'accepted', keep: false },
  proposed: { status: 'proposed', keep: false },
  superseded: { status: 'superseded', keep: false },
  deprecated: { status: 'deprecated', keep: false },
  rejected: { status: 'deprecated', keep: true },
  draft: { status: 'proposed', keep: true },
};

/** `Accepted`, `superseded by [2. X](0002-x.md)`, `**Rejected**` → canon's status; null when it is none of them. */
export function mapAdrStatus(text: string): MappedStatus | null {
  const clean = cleanValue(text);
  const match = /^([A-Za-z]+)\b/.exec(clean);
  if (!match) return null;
  const word = match[1]!.toLowerCase();
  const known = STATUS_WORDS[word];
  if (!known) return null;
  return { status: known.status, original: known.keep ? word : null };
}

/**
 * The ADR a link or a mention names, as canon's id: `[1. Use MySQL](0001-use-mysql.md)`,
 * `(adr-001-x.md)`, `ADR-0005`, `ADR 5` → `ADR-0001`, `ADR-0001`, `ADR-0005`, `ADR-0005`.
 */
export function adrIdFromReference(text: string): string | null {
  const link = /\]\(\s*<?([^)>\s]+)>?/.exec(text)?.[1];
  if (link) {
    const name = link.split(/[?#]/)[0]!.split('/').pop()!;
    const number = /^(?:adr[-_]?)?(\d{1,4})(?:[-_.]|$)/i.exec(name)?.[1];
    return number ? `ADR-${number.padStart(4, '0')}` : null;
  }
  const mention = /^\s*(?:\[)?ADR[-_ ]?(\d{1,4})\b/i.exec(text)?.[1];
  return mention ? `ADR-${mention.padStart(4, '0')}` : null;
}

/** `1. Use Postgres`, `ADR-001: Use Postgres`, `0001 - Use Postgres` → `Use Postgres`. A bare `2024 plans` stays. */
export function stripAdrNumber(title: string): string {
  const stripped = title.replace(/^(?:ADR[-_ ]?)?\d{1,5}\s*(?:[.:)]|\s-)\s*/i, '').trim();
  return stripped === '' ? title : stripped;
}
