import { lintSource } from '@secretlint/core';
import { secretLintProfiler } from '@secretlint/profiler';
import { creator as presetRecommend } from '@secretlint/secretlint-rule-preset-recommend';
import { renderDecodedFrontmatter, renderMarkdownEscapes } from './decoded-text.js';
import { parseNote } from './frontmatter.js';
import type { Issue } from './validate-note.js';
import { messages } from '../messages/index.js';

/**
 * Tokens secretlint's recommended preset does not know, or knows only in one exact shape. Each one
 * becomes a finding `secret/<ID>`; where it overlaps a preset finding, the first one is kept.
 */
const CANON_PATTERNS: Record<string, RegExp[]> = {
  GOOGLE_API_KEY: [/(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g],
  ANTHROPIC_API_KEY: [/(?<![A-Za-z0-9])sk-ant-[A-Za-z0-9_-]{20,}/g],
  OPENAI_TOKEN: [/(?<![A-Za-z0-9])sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}/g, /(?<![A-Za-z0-9-])sk-[A-Za-z0-9]{32,}(?![A-Za-z0-9])/g],
  // The preset wants exactly 36 (classic) or 82 (fine-grained) characters; GitHub only promises the prefix.
  GITHUB_TOKEN: [/(?<![A-Za-z0-9])gh[pousr]_[A-Za-z0-9_]{30,}/g, /(?<![A-Za-z0-9])github_pat_[A-Za-z0-9_]{40,}/g],
  // The preset knows xoxb/xoxp/xoxa/xoxo/xoxr/xapp, not xoxs.
  SLACK_TOKEN: [/(?<![A-Za-z0-9])xox[abprs]-[A-Za-z0-9-]{10,}/g],
  NOTION_TOKEN: [/(?<![A-Za-z0-9])(?:ntn|secret)_[A-Za-z0-9]{40,}(?![A-Za-z0-9])/g],
  STRIPE_KEY: [/(?<![A-Za-z0-9])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g, /(?<![A-Za-z0-9])whsec_[A-Za-z0-9]{24,}/g],
  // The preset wants the whole PEM block (100+ characters of key); a header alone is already a leak.
  PRIVATE_KEY: [/-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----/g],
  JWT: [/(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g],
};

const canonRule = {
  messages: Object.fromEntries(Object.keys(CANON_PATTERNS).map((id) => [id, { en: () => id }])),
  meta: { id: 'canon-secrets', recommended: true, type: 'scanner', supportedContentTypes: ['text'] },
  create(context: { createTranslator: (m: unknown) => (id: string) => unknown; report: (d: { message: unknown; range: [number, number] }) => void }) {
    const t = context.createTranslator(canonRule.messages);
    return {
      file(source: { content: string }) {
        for (const [id, patterns] of Object.entries(CANON_PATTERNS)) {
          for (const pattern of patterns) {
            for (const match of source.content.matchAll(pattern)) {
              context.report({ message: t(id), range: [match.index, match.index + match[0].length] });
            }
          }
        }
      },
    };
  },
};

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
  rules: [
    ...presetRules.filter((rule) => !DROPPED_RULES.has(rule.meta.id)).map((rule) => ({ id: rule.meta.id, rule, options: PRESET_OPTIONS[rule.meta.id] })),
    { id: 'canon-secrets', rule: canonRule },
  ],
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
    options: { config: config as never, maskSecrets: true, noPhysicFilePath: true },
  });
  const findings = result.messages
    .map((m) => ({ start: m.range[0], end: m.range[1], rule: m.messageId || m.ruleId }))
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Finding[] = [];
  for (const f of findings) {
    const last = kept.at(-1);
    if (last && f.start < last.end) continue;
    kept.push(f);
  }
  return kept;
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
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
    let index = starts.length - 1;
    while (index > 0 && starts[index]! > f.start) index--;
    const start = starts[index]!;
    return { index, from: f.start - start, end: Math.min(f.end, start + parts[index]!.length) - start, rule: f.rule };
  });
}

/** Secrets that only appear once YAML escapes in the frontmatter or Markdown escapes in the body are decoded. */
async function scanDecoded(text: string, file: string): Promise<Issue[]> {
  let note;
  try {
    note = parseNote(text);
  } catch {
    return []; // Not readable as a note: validation says why, and the raw scan still ran.
  }
  const issues: Issue[] = [];
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const raw = normalized.slice(0, normalized.length - note.body.length);

  const pieces = renderDecodedFrontmatter(raw, note.data);
  for (const { index, from, end, rule } of await findSecretsInParts(pieces.map((p) => p.text))) {
    const piece = pieces[index]!;
    // A key-sensitive rule may match from the key on: mask the decoded value, not the key.
    const masked = maskSecret(piece.text.slice(Math.max(from, piece.offset), end));
    issues.push(issue(file, note.locate(piece.pointer).line, 1, messages.secrets.decoded(masked, rule, 'YAML'), rule));
  }

  const lines = renderMarkdownEscapes(note.body);
  const bodyLine = raw.split('\n').length; // raw ends with the closing `---` line and its newline
  for (const { index, from, end, rule } of await findSecretsInParts(lines.map((l) => l.text))) {
    const masked = maskSecret(lines[index]!.text.slice(from, end));
    issues.push(issue(file, bodyLine + lines[index]!.index, 1, messages.secrets.decoded(masked, rule, 'Markdown'), rule));
  }
  return issues;
}

/**
 * Scan a note for secrets: its raw text, then the strings its frontmatter and body decode to (what
 * Notion and readers get). Each finding is an error naming file:line and the rule, the secret masked.
 * The one scanner of canon: pre-commit, `canon sync` and the Cloudflare Worker all call it, so sync
 * refuses whatever a commit would, on either host.
 */
export async function findSecretsInNote(text: string, file: string): Promise<Issue[]> {
  const issues = (await findSecrets(text)).map((f) => {
    const { line, column } = position(text, f.start);
    return issue(file, line, column, messages.secrets.finding(maskSecret(text.slice(f.start, f.end)), f.rule), f.rule);
  });
  const seen = new Set(issues.map((i) => `${i.line}|${i.rule}`));
  for (const found of await scanDecoded(text, file)) {
    if (!seen.has(`${found.line}|${found.rule}`)) issues.push(found);
  }
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
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

/** Mask every secret in free text (transcripts, logs) with the same scanner the commit door uses. */
export async function maskSecrets(text: string): Promise<MaskedText> {
  const findings = await findSecrets(text);
  let out = '';
  let at = 0;
  for (const f of findings) {
    out += text.slice(at, f.start) + maskSecret(text.slice(f.start, f.end));
    at = f.end;
  }
  return { text: out + text.slice(at), found: findings.length, rules: findings.map((f) => f.rule) };
}

/** Where secrets sit in `text` (offsets), for masking them in a copy: the same rules as the commit scan. */
export async function findSecretRanges(text: string): Promise<Array<[start: number, end: number]>> {
  return (await findSecrets(text)).map((f) => [f.start, f.end] as [number, number]);
}
