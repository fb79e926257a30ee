import { parseFrontmatterFast } from './frontmatter-fast.js';
import type { SessionFacts, WorkstreamFacts } from './resume-view.js';

/** A note split into frontmatter data and body. */
export interface NoteParts {
  data: Record<string, unknown>;
  body: string;
}

/**
 * The fast way into a note canon wrote itself (`---\n<simple key: value lines>\n---\n<body>`), without
 * loading gray-matter or the YAML parser: resume reads 10,000 of these in well under a second.
 * Returns null for anything else — a missing or odd delimiter, comments, block scalars, anchors,
 * broken YAML — and the caller then uses the full parser (parseNote), which also reports errors.
 */
export function parseNoteFast(input: string): NoteParts | null {
  let text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
  if (!text.startsWith('---\n')) return null;
  // The closing delimiter is the first line that starts with `---`; canon accepts only `---` itself.
  const close = text.indexOf('\n---', 3);
  if (close === -1) return null;
  const lineEnd = text.indexOf('\n', close + 1);
  const closingLine = text.slice(close + 1, lineEnd === -1 ? undefined : lineEnd);
  if (closingLine !== '---') return null;
  const raw = close === 3 ? '' : text.slice(4, close + 1);
  const parsed = parseFrontmatterFast(raw);
  if (parsed === null) return null;
  return { data: parsed.data, body: lineEnd === -1 ? '' : text.slice(lineEnd + 1) };
}

/** docs/contract.md §3.3: `claimed_at`, `operator`, `kind: session`, optionally `claimed_by` (ADR-0025), nothing else, empty body. */
export function isClaimStubParts(parts: NoteParts): boolean {
  const keys = Object.keys(parts.data);
  return (
    keys.length === ('claimed_by' in parts.data ? 4 : 3) &&
    'claimed_at' in parts.data &&
    'operator' in parts.data &&
    parts.data.kind === 'session' &&
    parts.body.trim() === ''
  );
}

/** Frontmatter is untyped input: only scalars become display text. */
export function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

export function sessionFactsFrom(id: string, path: string, data: Record<string, unknown>): SessionFacts {
  return { id, path, operator: textOf(data.operator), date: textOf(data.date), title: textOf(data.title), ended_at: textOf(data.ended_at) };
}

export function workstreamFactsFrom(slug: string, path: string, data: Record<string, unknown>): WorkstreamFacts {
  return {
    slug,
    path,
    title: textOf(data.title),
    owner: textOf(data.owner),
    status: textOf(data.status),
    priority: textOf(data.priority),
  };
}
