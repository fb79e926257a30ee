import { lintSource } from '@secretlint/core';
import { secretLintProfiler } from '@secretlint/profiler';
import { creator as presetRecommend } from '@secretlint/secretlint-rule-preset-recommend';
import { renderDecodedFrontmatter, renderMarkdownEscapes } from './decoded-text.js';
import { disguisesIn, undisguise, type Disguise } from './disguises.js';
import { CANON_RULES, isDefaultUrlCredential } from './secret-rules.js';
import { parseNote } from './frontmatter.js';
import { lineIndex } from './line-index.js';
import type { Issue } from './validate-note.js';
import { messages } from '../messages/index.js';

/** The preset's rules that report a whole URL with its credentials. */
const URL_CREDENTIAL_RULES = new Set(['BasicAuth', 'MySQLConnection', 'PostgreSQLConnection', 'MongoDBConnection']);

/** The rules that match a shape rather than a vendor's prefix: at one place, a vendor's rule wins. */
const GENERIC_RULES = new Set(['AUTHORIZATION_HEADER', 'URL_PASSWORD', 'PASSWORD_ASSIGNMENT', 'SECRET_ASSIGNMENT']);

/**
 * canon's own rules (tools/core/secret-rules.ts), run beside secretlint rather than inside it:
 * secretlint's core drops duplicate messages by comparing each with all the others, which grows with
 * the square of the findings; canon's rules stay linear in the text.
 */
function canonFindings(text: string): Finding[] {
  const out: Finding[] = [];
  const lower = text.toLowerCase();
  for (const r of CANON_RULES) {
    if (!r.keywords.some((k) => lower.includes(k))) continue;
    for (const pattern of r.patterns) {
      for (const match of text.matchAll(pattern)) {
        const range = match.indices?.groups?.secret ?? match.indices?.groups?.quoted ?? [match.index!, match.index! + match[0].length];
        if (r.accept && !r.accept(text.slice(range[0], range[1]), match)) continue;
        out.push({ start: range[0], end: range[1], rule: r.id });
      }
    }
  }
  return out;
}

/** Options for the preset's own rules, by rule id. */
const PRESET_OPTIONS: Record<string, unknown> = {
  // An AWS access key id alone is enough to refuse: it is half a credential and names the account.
  '@secretlint/secretlint-rule-aws': { enableIDScanRule: true },
};
/** `secretlint-disable` comments in a note would be a silent bypass of the commit door. */
const DROPPED_RULES = new Set(['@secretlint/secretlint-rule-filter-comments']);

// The preset's rules are registered one by one: secretlint ignores `disabled` inside a preset.
const presetRules = (presetRecommend as unknown as { rules: Array<{ meta: { id: string } }> }).rules;
const config = {
  rules: [...presetRules.filter((rule) => !DROPPED_RULES.has(rule.meta.id)).map((rule) => ({ id: rule.meta.id, rule, options: PRESET_OPTIONS[rule.meta.id] }))],
};

/** Show just enough of a secret to find it: its first four characters. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 4)}${'*'.repeat(8)}`;
}

interface Finding {
  start: number;
  end: number;
  rule: string;
}

/**
 * secretlint's profiler is always on: every rule of every scan puts performance marks in a list that
 * is searched whole for each new mark, so each scan costs more than the last: quadratic over a
 * 1,500-note commit or a first sync of a store. canon never reads the profile: mark nothing. (The
 * Worker goes further: its bundle aliases the profiler to workers/notion-sync/src/no-profiler.ts, since
 * building its PerformanceObserver throws in the Workers runtime.)
 */
(secretLintProfiler as unknown as { mark: (marker: unknown) => void }).mark = () => {};

/** Every secret in `text`, in order, overlapping findings of several rules reported once. */
async function findSecrets(text: string): Promise<Finding[]> {
  const result = await lintSource({
    source: { content: text, filePath: 'note.md', contentType: 'text' },
    // canon reads each message's range and id, never its text: nothing to mask there.
    options: { config: config as never, maskSecrets: false, noPhysicFilePath: true },
  });
  const findings = result.messages
    .map((m) => ({ start: m.range[0], end: m.range[1], rule: m.messageId || m.ruleId }))
    .filter((f) => !(URL_CREDENTIAL_RULES.has(f.rule) && isDefaultUrlCredential(text.slice(f.start, f.end))))
    .concat(canonFindings(text))
    .sort((a, b) => a.start - b.start || Number(GENERIC_RULES.has(a.rule)) - Number(GENERIC_RULES.has(b.rule)) || b.end - a.end);
  const kept: Finding[] = [];
  for (const f of findings) {
    const last = kept.at(-1);
    if (last && f.start < last.end) continue;
    kept.push(f);
  }
  return kept;
}

/** Line and column (1-based) of an offset of `text`; built once per text, each look-up a binary search. */
function positions(text: string): (offset: number) => { line: number; column: number } {
  const at = lineIndex(text);
  return (offset) => {
    const { line, start } = at(offset);
    return { line: line + 1, column: offset - start + 1 };
  };
}

/** Whether [start, end) overlaps one of `sorted` (findings in order of place, not overlapping each other). */
function overlapsAny(sorted: readonly { start: number; end: number }[], start: number, end: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.end <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]!.start < end;
}

function issue(file: string, line: number, column: number, message: string, rule: string): Issue {
  return { file, line, column, severity: 'error', pointer: '', message, rule: `secret/${rule}` };
}

/** Scan several texts in one secretlint call (each call has a fixed cost); findings say which part, and where in it. */
async function findSecretsInParts(parts: readonly string[]): Promise<Array<{ index: number; from: number; end: number; rule: string }>> {
  if (parts.length === 0) return [];
  const starts: number[] = [];
  let at = 0;
  for (const part of parts) {
    starts.push(at);
    at += part.length + 1;
  }
  return (await findSecrets(parts.join('\n'))).map((f) => {
    let index = 0;
    let hi = starts.length - 1;
    while (index < hi) {
      const mid = (index + hi + 1) >> 1;
      if (starts[mid]! <= f.start) index = mid;
      else hi = mid - 1;
    }
    const start = starts[index]!;
    return { index, from: f.start - start, end: Math.min(f.end, start + parts[index]!.length) - start, rule: f.rule };
  });
}

/** How each disguise is named in a finding's message. */
const HOW: Record<Disguise, string> = {
  'zero-width': 'zero-width characters',
  markup: 'inline markup',
  percent: 'percent-encoding',
  folded: 'a YAML value folded across lines',
  base64: 'base64',
};

interface Disguised {
  /** Where the secret sits in the original text: the characters it was made of (or the whole base64 run). */
  start: number;
  end: number;
  rule: string;
  /** The secret as a reader gets it. */
  secret: string;
  how: Disguise[];
}

/** A text to scan besides the raw one, and what a finding in it becomes. */
interface Part {
  text: string;
  found: (from: number, end: number, rule: string) => void;
}

/**
 * Secrets that only appear once the text's disguises are undone (tools/core/disguises.ts), placed at
 * the original offsets; those overlapping a finding of the raw scan are left out. Adds its parts to
 * `parts`; the list fills once they are scanned.
 */
function disguisedParts(text: string, raw: readonly Finding[], parts: Part[]): Disguised[] {
  const out: Disguised[] = [];
  const starts = new Set<number>();
  for (const piece of undisguise(text)) {
    let lastOfPiece: Disguised | undefined;
    parts.push({
      text: piece.text,
      found: (from, end, rule) => {
        const start = piece.map[from]!;
        const stop = piece.runEnd ?? piece.map[Math.max(from, end - 1)]! + 1;
        // Findings of one piece come in order of place; pieces that decode the same run share its start.
        const last = lastOfPiece;
        if (overlapsAny(raw, start, stop) || (last && last.start < stop && start < last.end) || starts.has(start)) return;
        const how = disguisesIn(piece, from, end);
        lastOfPiece = { start, end: stop, rule, secret: piece.text.slice(from, end), how: how.length > 0 ? how : [...new Set(piece.joins.map(([, h]) => h))] };
        out.push(lastOfPiece);
        starts.add(start);
      },
    });
  }
  return out;
}

/**
 * The text itself as the first part: its findings come first (findings are in order of place), so
 * they are all known before those of the decoded parts are checked against them.
 */
function rawPart(text: string): { found: Finding[]; parts: Part[] } {
  const found: Finding[] = [];
  return { found, parts: [{ text, found: (from, end, rule) => found.push({ start: from, end, rule }) }] };
}

async function scanParts(parts: readonly Part[]): Promise<void> {
  for (const { index, from, end, rule } of await findSecretsInParts(parts.map((p) => p.text))) parts[index]!.found(from, end, rule);
}

/** Secrets that only appear once YAML escapes in the frontmatter or Markdown escapes in the body are decoded. */
function decodedParts(text: string, file: string, parts: Part[]): Issue[] {
  let note;
  try {
    note = parseNote(text);
  } catch {
    return []; // Not readable as a note: validation says why, and the raw scan still ran.
  }
  const issues: Issue[] = [];
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const raw = normalized.slice(0, normalized.length - note.body.length);

  for (const piece of renderDecodedFrontmatter(raw, note.data)) {
    parts.push({
      text: piece.text,
      found: (from, end, rule) => {
        // A key-sensitive rule may match from the key on: mask the decoded value, not the key.
        const masked = maskSecret(piece.text.slice(Math.max(from, piece.offset), end));
        issues.push(issue(file, note.locate(piece.pointer).line, 1, messages.secrets.decoded(masked, rule, 'YAML'), rule));
      },
    });
  }
  const bodyLine = raw.split('\n').length; // raw ends with the closing `---` line and its newline
  for (const line of renderMarkdownEscapes(note.body)) {
    parts.push({
      text: line.text,
      found: (from, end, rule) => {
        issues.push(issue(file, bodyLine + line.index, 1, messages.secrets.decoded(maskSecret(line.text.slice(from, end)), rule, 'Markdown'), rule));
      },
    });
  }
  return issues;
}

/**
 * Scan a note for secrets: its raw text, then the strings its frontmatter and body decode to (what
 * Notion and readers get), then the text with its disguises undone (base64, percent-encoding,
 * zero-width characters, inline markup, folded YAML lines). Each finding is an error naming
 * file:line:column and the rule, the secret masked. The one scanner of canon: pre-commit,
 * `canon sync` and the Cloudflare Worker all call it, so sync refuses whatever a commit would, on
 * either host.
 */
export async function findSecretsInNote(text: string, file: string): Promise<Issue[]> {
  // One secretlint call for the text and all its decoded parts: each call has a fixed cost.
  const { found, parts } = rawPart(text);
  const decoded = decodedParts(text, file, parts);
  const disguised = disguisedParts(text, found, parts);
  await scanParts(parts);
  const position = positions(text);
  const issues = found.map((f) => {
    const { line, column } = position(f.start);
    return issue(file, line, column, messages.secrets.finding(maskSecret(text.slice(f.start, f.end)), f.rule), f.rule);
  });

  const seen = new Set(issues.map((i) => `${i.line}|${i.rule}`));
  for (const d of disguised) {
    const { line, column } = position(d.start);
    const how = d.how.map((h) => HOW[h]).join(' and ');
    issues.push(issue(file, line, column, messages.secrets.disguised(maskSecret(d.secret), d.rule, how), d.rule));
    seen.add(`${line}|${d.rule}`);
  }
  for (const f of decoded) {
    if (!seen.has(`${f.line}|${f.rule}`)) issues.push(f);
  }
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Raw findings and disguised ones, in order of place, each with its mask. */
async function findAllSecrets(text: string): Promise<Array<{ start: number; end: number; rule: string; masked: string }>> {
  const { found: raw, parts } = rawPart(text);
  const disguised = disguisedParts(text, raw, parts);
  await scanParts(parts);
  return [
    ...raw.map((f) => ({ start: f.start, end: f.end, rule: f.rule, masked: maskSecret(text.slice(f.start, f.end)) })),
    ...disguised.map((d) => ({ start: d.start, end: d.end, rule: d.rule, masked: maskSecret(d.secret) })),
  ].sort((a, b) => a.start - b.start);
}

/** The name pre-commit and sync have always called. */
export const scanSecrets = findSecretsInNote;

export interface MaskedText {
  /** `text` with every secret replaced by its mask (first four characters, then `********`). */
  text: string;
  /** How many secrets were masked. */
  found: number;
  /** The rule of each, in order (`GITHUB_TOKEN`, `AWSAccessKeyID`, …). */
  rules: string[];
}

/** Mask every secret in free text (transcripts, logs) with the same scanner the commit door uses, disguised ones too. */
export async function maskSecrets(text: string): Promise<MaskedText> {
  const findings = await findAllSecrets(text);
  let out = '';
  let at = 0;
  for (const f of findings) {
    out += text.slice(at, f.start) + f.masked;
    at = f.end;
  }
  return { text: out + text.slice(at), found: findings.length, rules: findings.map((f) => f.rule) };
}

/** Where secrets sit in `text` (offsets), for masking them in a copy: the same rules as the commit scan, disguised ones too. */
export async function findSecretRanges(text: string): Promise<Array<[start: number, end: number]>> {
  return (await findAllSecrets(text)).map((f) => [f.start, f.end] as [number, number]);
}
