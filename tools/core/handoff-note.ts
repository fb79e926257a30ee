// Pure model of a handoff (docs/contract.md §6, §3.5, §13): handoff input in, session note data and body out, plus
// the Resume Prompt checks, the workstream Session Log entry and the git log parser. No fs, git or clock.
import type { NoteKind } from './config.js';
import { parseNote, NoteSyntaxError } from './frontmatter.js';
import { inertData, inertLine, inertText } from './inert-text.js';
import { describeCharacter, findFirstTextControl, isBidiControl } from './text-controls.js';
import { textMessages } from '../messages/text.js';
import { classifyPath, externalIdFor } from './layout.js';
import type { TelemetryState } from './telemetry.js';

const CONFIDENCE_LEVELS = ['high', 'medium', 'low'] as const;
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];

/** docs/contract.md §3.5: long enough to start cold from, short enough to be read. */
const RESUME_PROMPT_WORDS = { min: 80, max: 150 } as const;
/** A session with no commits and at most this many tool calls is trivial: it gets the quick form. */
const TRIVIAL_MAX_TOOL_CALLS = 10;
/** A Session Log line is read in a list; the note itself holds the whole summary. */
const LOG_SUMMARY_MAX = 200;

/** The markdown body sections of a full note, each as markdown text ('' when empty). */
export interface HandoffSections {
  /** The `## Summary` section when the input had one (a .md); otherwise the summary is used. */
  summary: string;
  shipped: string;
  decisions: string;
  openQuestions: string;
  nextSteps: string;
  /** Sections of a .md input canon has no slot for, kept verbatim rather than dropped. */
  extra: string;
}

export interface HandoffContent {
  title: string;
  summary: string;
  workstream: string | null;
  tags: string[];
  sections: HandoffSections;
  /** Without its `Confidence:` line. */
  resumePrompt: string | null;
  confidence: Confidence | null;
  /** null: not said, decided by the trivial-session rule. */
  quick: boolean | null;
}

/** What the user gave so far (a --from file, flags, prompts); later layers override earlier ones. */
export type HandoffDraft = Partial<Omit<HandoffContent, 'sections'>> & { sections?: Partial<HandoffSections> };

export type DraftResult = { ok: true; draft: HandoffDraft; ignored: string[] } | { ok: false; problems: string[] };

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const JSON_KEYS = ['title', 'summary', 'workstream', 'tags', 'shipped', 'decisions', 'open_questions', 'next_steps', 'resume_prompt', 'confidence', 'quick'];
const LIST_KEYS = { shipped: 'shipped', decisions: 'decisions', open_questions: 'openQuestions', next_steps: 'nextSteps' } as const;

/**
 * Parse the JSON handoff input of docs/contract.md §13 (what the Claude Code command pipes in):
 *
 *     { "title": "…", "summary": "…", "workstream": "repo-flip", "tags": ["hooks"],
 *       "shipped": ["…"], "decisions": ["…"], "open_questions": ["…"], "next_steps": ["…"],
 *       "resume_prompt": "80–150 words …", "confidence": "high", "quick": false }
 *
 * Lists may also be a single string. Unknown keys are reported (a typo such as `next_step` would
 * otherwise lose a section silently).
 */
export function parseHandoffJson(text: string): DraftResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`is not valid JSON (${error instanceof Error ? error.message : String(error)})`] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, problems: ['must be a JSON object like {"title": "…", "summary": "…"}'] };
  const input = value as Record<string, unknown>;
  const problems: string[] = [];
  const draft: HandoffDraft = {};
  const sections: Partial<HandoffSections> = {};

  const text1 = (key: string): string | undefined => {
    const v = input[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      problems.push(`"${key}" must be a string`);
      return undefined;
    }
    return v;
  };
  const title = text1('title');
  if (title !== undefined) draft.title = title;
  const summary = text1('summary');
  if (summary !== undefined) draft.summary = summary;
  if ('workstream' in input) {
    const ws = input.workstream;
    if (ws === null || ws === '') draft.workstream = null;
    else if (typeof ws === 'string') draft.workstream = ws;
    else problems.push('"workstream" must be a workstream slug or null');
  }
  if (input.tags !== undefined && input.tags !== null) {
    const tags = input.tags;
    if (typeof tags === 'string') draft.tags = splitTags(tags);
    else if (Array.isArray(tags) && tags.every((t) => typeof t === 'string')) draft.tags = tags as string[];
    else problems.push('"tags" must be a list of strings');
  }
  for (const [key, slot] of Object.entries(LIST_KEYS)) {
    const v = input[key];
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') sections[slot] = v.trim();
    else if (Array.isArray(v) && v.every((item) => typeof item === 'string')) sections[slot] = renderList(v as string[]);
    else problems.push(`"${key}" must be a list of strings`);
  }
  const prompt = text1('resume_prompt');
  if (prompt !== undefined) Object.assign(draft, splitConfidence(prompt));
  const confidence = input.confidence;
  if (confidence !== undefined && confidence !== null) {
    if (isConfidence(confidence)) draft.confidence = confidence;
    else problems.push(`"confidence" must be one of ${CONFIDENCE_LEVELS.join(', ')}`);
  }
  if (input.quick !== undefined && input.quick !== null) {
    if (typeof input.quick === 'boolean') draft.quick = input.quick;
    else problems.push('"quick" must be true or false');
  }
  if (Object.keys(sections).length > 0) draft.sections = sections;
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, draft, ignored: Object.keys(input).filter((k) => !JSON_KEYS.includes(k)) };
}

const SECTION_SLOTS: Record<string, keyof HandoffSections | 'resume'> = {
  summary: 'summary',
  'what shipped': 'shipped',
  shipped: 'shipped',
  decisions: 'decisions',
  'open questions': 'openQuestions',
  'next steps': 'nextSteps',
  'resume prompt': 'resume',
};

/**
 * A markdown handoff: optional frontmatter (title, summary, workstream, tags, confidence, quick) and a
 * body with the sections of docs/contract.md §3.5. A missing title is taken from a leading `# Heading`, a missing
 * summary from the first paragraph of `## Summary`. Sections canon does not know are kept verbatim.
 */
export function parseHandoffMarkdown(text: string): DraftResult {
  let note;
  try {
    note = parseNote(text);
  } catch (error) {
    if (error instanceof NoteSyntaxError) return { ok: false, problems: [`line ${error.line}: ${error.message}`] };
    throw error;
  }
  const fm = note.data;
  const problems: string[] = [];
  const draft: HandoffDraft = {};
  const sections: Partial<HandoffSections> = {};
  if (typeof fm.title === 'string') draft.title = fm.title;
  if (typeof fm.summary === 'string') draft.summary = fm.summary;
  if (fm.workstream === null || typeof fm.workstream === 'string') draft.workstream = fm.workstream === '' ? null : (fm.workstream as string | null);
  if (Array.isArray(fm.tags) && fm.tags.every((t) => typeof t === 'string')) draft.tags = fm.tags as string[];
  else if (typeof fm.tags === 'string') draft.tags = splitTags(fm.tags);
  if (fm.confidence !== undefined) {
    if (isConfidence(fm.confidence)) draft.confidence = fm.confidence;
    else problems.push(`frontmatter "confidence" must be one of ${CONFIDENCE_LEVELS.join(', ')}`);
  }
  if (typeof fm.quick === 'boolean') draft.quick = fm.quick;

  const extra: string[] = [];
  let preamble = '';
  for (const part of splitSections(note.body)) {
    if (part.heading === null) {
      preamble = part.text;
      continue;
    }
    const slot = SECTION_SLOTS[part.heading.toLowerCase()];
    if (slot === 'resume') Object.assign(draft, splitConfidence(part.text), draft.confidence ? { confidence: draft.confidence } : {});
    else if (slot === undefined || slot === 'extra') extra.push(`## ${part.heading}\n\n${part.text}`.trimEnd());
    else sections[slot] = part.text;
  }
  const h1 = /^#[ \t]+(.+?)[ \t#]*$/m.exec(preamble);
  if (draft.title === undefined && h1) draft.title = h1[1]!;
  if (draft.summary === undefined && sections.summary)
    draft.summary = sections.summary
      .split(/\n\s*\n/)[0]!
      .replace(/\s+/g, ' ')
      .trim();
  if (extra.length > 0) sections.extra = extra.join('\n\n');
  if (Object.keys(sections).length > 0) draft.sections = sections;
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, draft, ignored: [] };
}

/** `## Heading` sections of a markdown body, with any text before the first as a null-headed part. */
function splitSections(body: string): Array<{ heading: string | null; text: string }> {
  const parts: Array<{ heading: string | null; lines: string[] }> = [{ heading: null, lines: [] }];
  let fence: string | null = null;
  for (const line of body.split('\n')) {
    const marker = /^\s*(```+|~~~+)/.exec(line)?.[1];
    if (marker && (fence === null || marker.startsWith(fence))) fence = fence === null ? marker : null;
    const heading = fence === null ? /^##[ \t]+(.+?)[ \t#]*$/.exec(line) : null;
    if (heading) parts.push({ heading: heading[1]!.trim(), lines: [] });
    else parts.at(-1)!.lines.push(line);
  }
  return parts.map((p) => ({ heading: p.heading, text: p.lines.join('\n').trim() })).filter((p) => p.heading !== null || p.text !== '');
}

/** Layer drafts: later ones win key by key (and section by section). */
export function mergeDrafts(...drafts: HandoffDraft[]): HandoffDraft {
  const merged: HandoffDraft = {};
  for (const draft of drafts) {
    for (const [key, value] of Object.entries(draft)) {
      if (value === undefined || key === 'sections') continue;
      (merged as Record<string, unknown>)[key] = value;
    }
    if (draft.sections) merged.sections = { ...merged.sections, ...draft.sections };
  }
  return merged;
}

export interface DraftTextControl {
  /** The draft's field: `title`, `tags`, `resumePrompt`, `sections.shipped`… */
  field: string;
  /** 1-based, within the field's text (a tag: within that tag). */
  line: number;
  column: number;
  code: number;
  /** Whether the text has more than one line (a position then names the line). */
  multiline: boolean;
}

/**
 * The first control or bidi character of each text field of a draft (ADR-0023): the handoff refuses
 * them before it claims an id, so a bad `--title` leaves nothing behind.
 */
export function findDraftTextControls(draft: HandoffDraft): DraftTextControl[] {
  const fields: Array<[string, string | null | undefined]> = [
    ['title', draft.title],
    ['summary', draft.summary],
    ['workstream', draft.workstream],
    ...(draft.tags ?? []).map((tag): [string, string] => ['tags', tag]),
    ['resumePrompt', draft.resumePrompt],
    ...Object.entries(draft.sections ?? {}).map(([key, text]): [string, string | undefined] => [`sections.${key}`, text]),
  ];
  const found: DraftTextControl[] = [];
  for (const [field, text] of fields) {
    if (typeof text !== 'string' || found.some((f) => f.field === field)) continue;
    const first = findFirstTextControl(text);
    if (first !== null) found.push({ field, ...first, multiline: text.includes('\n') });
  }
  return found;
}

/** The draft as final content, or what is missing or malformed. */
export function completeDraft(draft: HandoffDraft): { ok: true; content: HandoffContent } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const title = (draft.title ?? '').replace(/\s+/g, ' ').trim();
  const summary = (draft.summary ?? '').trim();
  if (title === '') problems.push('a title is required');
  if (summary === '') problems.push('a summary is required');
  if (title.length > 300) problems.push(`the title has ${title.length} characters; at most 300`);
  const workstream = draft.workstream === undefined || draft.workstream === null || draft.workstream.trim() === '' ? null : draft.workstream.trim();
  if (workstream !== null && !SLUG.test(workstream)) problems.push(`workstream "${inertText(workstream)}" is not a kebab-case slug like repo-flip`);
  const tags = [...new Set((draft.tags ?? []).map((t) => t.trim()).filter((t) => t !== ''))];
  const badTags = tags.filter((t) => !SLUG.test(t));
  if (badTags.length > 0) problems.push(`tags must be kebab-case like notion-sync: ${badTags.map((t) => `"${inertText(t)}"`).join(', ')}`);
  for (const c of findDraftTextControls(draft))
    problems.push(textMessages.handoff.refused(c.field, describeCharacter(c.code), textMessages.handoff.position(c), isBidiControl(c.code)));
  if (problems.length > 0) return { ok: false, problems };
  const s = draft.sections ?? {};
  const prompt = draft.resumePrompt?.trim() ?? '';
  return {
    ok: true,
    content: {
      title,
      summary,
      workstream,
      tags,
      sections: {
        summary: s.summary?.trim() || summary,
        shipped: s.shipped?.trim() ?? '',
        decisions: s.decisions?.trim() ?? '',
        openQuestions: s.openQuestions?.trim() ?? '',
        nextSteps: s.nextSteps?.trim() ?? '',
        extra: s.extra?.trim() ?? '',
      },
      resumePrompt: prompt === '' ? null : prompt,
      confidence: draft.confidence ?? null,
      quick: draft.quick ?? null,
    },
  };
}

export function splitTags(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

function isConfidence(value: unknown): value is Confidence {
  return typeof value === 'string' && (CONFIDENCE_LEVELS as readonly string[]).includes(value);
}

/** A markdown list of items; a multi-line item keeps its lines, indented under its bullet. */
export function renderList(items: readonly string[]): string {
  return items
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map(
      (item) =>
        `- ${item
          .replace(/^[-*]\s+/, '')
          .split('\n')
          .join('\n  ')}`,
    )
    .join('\n');
}

/** Take a trailing `Confidence: high|medium|low` line off a Resume Prompt. */
export function splitConfidence(text: string): { resumePrompt: string; confidence?: Confidence } {
  const trimmed = text.trim();
  const match = /(?:^|\n)[ \t]*\**confidence\**[ \t]*:[ \t]*\**[ \t]*(high|medium|low)\b[^\n]*$/i.exec(trimmed);
  if (!match) return { resumePrompt: trimmed };
  return { resumePrompt: trimmed.slice(0, match.index).trim(), confidence: match[1]!.toLowerCase() as Confidence };
}

export function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => w !== '').length;
}

export type ResumePromptProblem = { rule: 'missing' } | { rule: 'too-short' | 'too-long'; words: number } | { rule: 'no-confidence' };

/** docs/contract.md §3.5: 80–150 words and a final `Confidence:` line. Warnings only: a short prompt beats none. */
export function checkResumePrompt(prompt: string | null, confidence: Confidence | null): ResumePromptProblem[] {
  if (prompt === null || prompt.trim() === '') return [{ rule: 'missing' }];
  const problems: ResumePromptProblem[] = [];
  const words = countWords(prompt);
  if (words < RESUME_PROMPT_WORDS.min) problems.push({ rule: 'too-short', words });
  if (words > RESUME_PROMPT_WORDS.max) problems.push({ rule: 'too-long', words });
  if (confidence === null) problems.push({ rule: 'no-confidence' });
  return problems;
}

/**
 * A first Resume Prompt built from what the user already typed, for them to accept, edit or skip:
 * a draft in the right shape is easier to correct than a blank page.
 */
export function draftResumePrompt(
  content: Pick<HandoffContent, 'title' | 'summary' | 'workstream' | 'sections'>,
  filesTouched: readonly string[] = [],
): string {
  const flat = (markdown: string) =>
    markdown
      .split('\n')
      .map((l) => l.replace(/^\s*[-*]\s+/, '').trim())
      .filter((l) => l !== '')
      .join('; ');
  const parts = [
    `Continue ${content.workstream ? `the ${content.workstream} workstream` : 'this work'}: ${content.title}.`,
    `Where it stands: ${content.summary.replace(/\s+/g, ' ').trim()}`,
  ];
  const { shipped, decisions, openQuestions, nextSteps } = content.sections;
  if (shipped) parts.push(`Already done: ${flat(shipped)}.`);
  if (decisions) parts.push(`Decided, do not reopen without reason: ${flat(decisions)}.`);
  if (nextSteps) parts.push(`Start with: ${flat(nextSteps)}.`);
  if (openQuestions) parts.push(`Still open: ${flat(openQuestions)}.`);
  if (filesTouched.length > 0) {
    const shown = filesTouched.slice(0, 6);
    parts.push(`Files this session edited: ${shown.join(', ')}${filesTouched.length > shown.length ? ` and ${filesTouched.length - shown.length} more` : ''}.`);
  }
  return parts.join(' ').replace(/([.?!])\./g, '$1');
}

// ---------------------------------------------------------------------------------------------
// Git stats

export interface GitStats {
  commits: number;
  linesAdded: number;
  linesRemoved: number;
  /** ISO-8601 UTC, seconds precision. */
  firstCommitAt: string | null;
  lastCommitAt: string | null;
  touched: { workstreams: string[]; plans: string[]; adrs: string[] };
  /** The commits themselves, newest first: short sha and subject (the changelog lists them). */
  list: Array<{ sha: string; subject: string }>;
}

export const NO_GIT_STATS: GitStats = {
  commits: 0,
  linesAdded: 0,
  linesRemoved: 0,
  firstCommitAt: null,
  lastCommitAt: null,
  touched: { workstreams: [], plans: [], adrs: [] },
  list: [],
};

/** The format `parseGitLog` reads; `git log -z --numstat --no-renames --format=<this>`. */
export const GIT_LOG_FORMAT = '%x1e%H%x1f%cI%x1f%ae%x1f%s';

/**
 * Session stats from `git log -z --numstat --no-renames --format=%x1e%H%x1f%cI%x1f%ae`: per commit a
 * record separator, the header, NUL, newline, then one `added<TAB>removed<TAB>path` NUL per file
 * (`-<TAB>-` for binary files):
 *
 *     \x1ec6a8a1f…\x1f2026-05-11T11:00:21+02:00\x1froman@example.com\0\n3\t1\tworkstreams/x.md\0-\t-\tlogo.png\0
 *
 * Only commits by `authors` (lower-case emails) count when given: after a `git pull`, colleagues'
 * commits of the same hours are not this session's work.
 */
export function parseGitLog(output: string, options: { authors: ReadonlySet<string> | null; folders: Record<NoteKind, string> }): GitStats {
  const config = { folders: options.folders } as Parameters<typeof classifyPath>[1];
  const stats: GitStats = { ...NO_GIT_STATS, touched: { workstreams: [], plans: [], adrs: [] }, list: [] };
  const touched = { workstream: new Set<string>(), plan: new Set<string>(), adr: new Set<string>() };
  const times: number[] = [];
  for (const record of output.split('\x1e')) {
    if (record.trim() === '') continue;
    const [header = '', ...files] = record.split('\0');
    const [hash, date, email, ...subject] = header.split('\x1f');
    if (!hash || !date) continue;
    if (options.authors && !options.authors.has((email ?? '').trim().toLowerCase())) continue;
    stats.commits++;
    stats.list.push({ sha: hash.slice(0, 7), subject: subject.join(' ').trim() });
    const time = Date.parse(date);
    if (!Number.isNaN(time)) times.push(time);
    for (const entry of files) {
      const match = /^\n?(\d+|-)\t(\d+|-)\t(.+)$/s.exec(entry);
      if (!match) continue;
      if (match[1] !== '-') stats.linesAdded += Number(match[1]);
      if (match[2] !== '-') stats.linesRemoved += Number(match[2]);
      const info = classifyPath(match[3]!, config);
      if (info?.role !== 'note' || !(info.kind in touched)) continue;
      const id = info.kind === 'adr' ? externalIdFor('adr', info.stem) : info.stem;
      if (id !== null) touched[info.kind as keyof typeof touched].add(id);
    }
  }
  if (times.length > 0) {
    stats.firstCommitAt = isoSeconds(Math.min(...times));
    stats.lastCommitAt = isoSeconds(Math.max(...times));
  }
  stats.touched = { workstreams: [...touched.workstream].sort(), plans: [...touched.plan].sort(), adrs: [...touched.adr].sort() };
  return stats;
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** docs/contract.md §6 step 1: no commits and few tool calls. Unknown telemetry is not evidence of a trivial session. */
export function isTrivialSession(stats: GitStats, telemetry: Pick<TelemetryState, 'tool_calls_count'> | null): boolean {
  return telemetry !== null && stats.commits === 0 && telemetry.tool_calls_count <= TRIVIAL_MAX_TOOL_CALLS;
}

/** Whether the content has anything only the full form can hold (the quick form must not drop it silently). */
export function hasFullSections(content: HandoffContent): boolean {
  const s = content.sections;
  return s.shipped !== '' || s.decisions !== '' || s.openQuestions !== '' || s.nextSteps !== '' || s.extra !== '';
}

// ---------------------------------------------------------------------------------------------
// The note

/** The hook's counters, as a session note carries them (the state file minus its bookkeeping). */
export type NoteTelemetry = Pick<
  TelemetryState,
  'tool_calls_count' | 'tool_calls_breakdown' | 'tool_calls_breakdown_methods' | 'subagents_dispatched' | 'parallel_terminals_observed' | 'files_touched'
> & { tool_calls_failed: number };

/**
 * The note's telemetry from the hook's state (zeros when none was recorded), with the invariant key
 * `mcp__<server>` of every forbidden server always present (docs/contract.md §7) and keys sorted so the
 * frontmatter diffs cleanly.
 */
export function planNoteTelemetry(state: TelemetryState | null, forbiddenMcp: readonly string[]): NoteTelemetry {
  const breakdown: Record<string, number> = { ...(state?.tool_calls_breakdown ?? {}) };
  for (const server of forbiddenMcp) breakdown[`mcp__${server}`] ??= 0;
  const methods = state?.tool_calls_breakdown_methods ?? {};
  // Tool names come from Claude Code and MCP servers: the note holds them inert (ADR-0023), so the
  // commit door never refuses the note handoff wrote.
  return {
    tool_calls_count: state?.tool_calls_count ?? 0,
    tool_calls_breakdown: sortKeys(inertData(breakdown)),
    tool_calls_breakdown_methods: inertData(
      Object.fromEntries(
        Object.keys(methods)
          .sort()
          .map((k) => [k, sortKeys(methods[k]!)]),
      ),
    ),
    tool_calls_failed: state?.failed_calls ?? 0,
    subagents_dispatched: state?.subagents_dispatched ?? 0,
    parallel_terminals_observed: state?.parallel_terminals_observed ?? 0,
    files_touched: state?.files_touched ?? [],
  };
}

/** An earlier handoff of the same session: the note it wrote and the `mcp__*` counts it covered. */
export interface EarlierHandoff {
  id: string;
  mcp: Record<string, number>;
}

/**
 * Forbidden MCP servers this session called, with their counts (docs/contract.md §7): the calls this note covers
 * plus those its earlier handoffs covered (the invariant is the whole session's), and which of those
 * earlier notes saw them.
 */
export function findInvariantBreaches(
  telemetry: NoteTelemetry,
  forbiddenMcp: readonly string[],
  earlier: readonly EarlierHandoff[] = [],
): Array<{ key: string; count: number; earlier: string[] }> {
  return forbiddenMcp
    .map((s) => {
      const key = `mcp__${s}`;
      const before = earlier.filter((h) => (h.mcp[key] ?? 0) > 0);
      return { key, count: (telemetry.tool_calls_breakdown[key] ?? 0) + before.reduce((n, h) => n + (h.mcp[key] ?? 0), 0), earlier: before.map((h) => h.id) };
    })
    .filter((b) => b.count > 0);
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, record[k]!]),
  );
}

export interface SessionNotePlan {
  id: string;
  operator: string;
  /** YYYY-MM-DD, the date in the id. */
  date: string;
  content: HandoffContent;
  mode: 'full' | 'quick';
  telemetry: NoteTelemetry;
  /** Whether a state file was found (the Telemetry section says so when not). */
  telemetryRecorded: boolean;
  stats: GitStats;
  startedAt: string | null;
  endedAt: string;
  activeMinutes: number | null;
  writeMinutes: number | null;
  forbiddenMcp: readonly string[];
  /** Size of the transcript archived for this session (secrets masked), or null/absent when none was. */
  transcriptBytes?: number | null;
  /** Earlier handoffs of the same Claude Code session: this note covers what followed them. */
  earlier?: readonly EarlierHandoff[];
  /** The session `/clear` ended to start this one; its calls are counted in this note. */
  continues?: string | null;
}

/** Frontmatter (in canonical order) and body of the session note. */
export function planSessionNote(plan: SessionNotePlan): { data: Record<string, unknown>; body: string } {
  const { content, telemetry, stats } = plan;
  const data: Record<string, unknown> = {
    title: content.title,
    operator: plan.operator,
    summary: content.summary,
    workstream: content.workstream,
    tags: content.tags,
    kind: 'session',
    external_id: plan.id,
    date: plan.date,
    mode: plan.mode,
    ...(content.confidence ? { confidence: content.confidence } : {}),
    started_at: plan.startedAt,
    ended_at: plan.endedAt,
    tool_calls_count: telemetry.tool_calls_count,
    tool_calls_breakdown: telemetry.tool_calls_breakdown,
    tool_calls_breakdown_methods: telemetry.tool_calls_breakdown_methods,
    tool_calls_failed: telemetry.tool_calls_failed,
    subagents_dispatched: telemetry.subagents_dispatched,
    parallel_terminals_observed: telemetry.parallel_terminals_observed,
    commits: stats.commits,
    lines_added: stats.linesAdded,
    lines_removed: stats.linesRemoved,
    first_commit_at: stats.firstCommitAt,
    last_commit_at: stats.lastCommitAt,
    active_min_estimate: plan.activeMinutes,
    handoff_write_min: plan.writeMinutes,
    transcript_bytes: plan.transcriptBytes ?? null,
    sync_status: 'pending',
  };
  return { data, body: renderSessionBody(plan) };
}

const NONE = '_None._';

/** The body of docs/contract.md §3.5: the full form's seven sections, or the quick form's two. */
export function renderSessionBody(plan: SessionNotePlan): string {
  const { content } = plan;
  const section = (heading: string, text: string) => `## ${heading}\n\n${text.trim() === '' ? NONE : text.trim()}\n`;
  const resume =
    content.resumePrompt === null
      ? `## Resume Prompt\n\n${NONE}\n`
      : `## Resume Prompt\n\n${content.resumePrompt}\n${content.confidence ? `\nConfidence: ${content.confidence}\n` : ''}`;
  if (plan.mode === 'quick') return [section('Summary', content.sections.summary), resume].join('\n');
  const parts = [
    section('Summary', content.sections.summary),
    section('What shipped', content.sections.shipped),
    section('Decisions', content.sections.decisions),
    section('Open questions', content.sections.openQuestions),
    section('Next steps', content.sections.nextSteps),
  ];
  if (content.sections.extra !== '') parts.push(`${content.sections.extra}\n`);
  parts.push(resume, section('Telemetry', renderTelemetrySection(plan)));
  return parts.join('\n');
}

function renderTelemetrySection(plan: SessionNotePlan): string {
  const { telemetry: t, stats } = plan;
  const lines: string[] = [];
  if (!plan.telemetryRecorded) lines.push('- No tool-call telemetry was recorded for this session.');
  else {
    const top = Object.entries(t.tool_calls_breakdown)
      .filter(([, n]) => n > 0)
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .slice(0, 8)
      .map(([k, n]) => `${k} ${n}`);
    lines.push(
      `- Tool calls: ${t.tool_calls_count}${top.length > 0 ? ` (${top.join(', ')})` : ''}${t.tool_calls_failed > 0 ? `; ${t.tool_calls_failed} failed` : ''}`,
    );
    lines.push(`- Subagents dispatched: ${t.subagents_dispatched}; parallel terminals observed: ${t.parallel_terminals_observed}`);
  }
  const earlier = plan.earlier ?? [];
  if (plan.continues) lines.push(`- Continues session \`${plan.continues}\`, ended by /clear: its calls and commits are counted here`);
  if (earlier.length > 0)
    lines.push(
      `- Follows this session's earlier handoff${earlier.length > 1 ? 's' : ''} ${earlier.map((h) => h.id).join(', ')}: the counts above are the calls since`,
    );
  const breaches = findInvariantBreaches(t, plan.forbiddenMcp, earlier);
  if (plan.forbiddenMcp.length > 0) {
    lines.push(
      breaches.length === 0
        ? `- Notion-silent: yes (${plan.forbiddenMcp.map((s) => `mcp__${s}`).join(', ')}: 0${earlier.length > 0 ? ', for the whole session' : ''})`
        : `- Notion-silent: **NO** (${breaches.map((b) => `${b.key} called ${b.count} time(s)${b.earlier.length > 0 ? ` in this session, some before ${b.earlier.join(', ')}` : ''}`).join(', ')})`,
    );
  }
  const span = stats.firstCommitAt && stats.lastCommitAt ? `, ${stats.firstCommitAt} → ${stats.lastCommitAt}` : '';
  lines.push(`- Commits: ${stats.commits}, +${stats.linesAdded} / -${stats.linesRemoved} lines${span}`);
  const touched = [
    stats.touched.workstreams.length > 0 ? `workstreams ${stats.touched.workstreams.join(', ')}` : null,
    stats.touched.plans.length > 0 ? `plans ${stats.touched.plans.join(', ')}` : null,
    stats.touched.adrs.length > 0 ? `ADRs ${stats.touched.adrs.join(', ')}` : null,
  ].filter((x) => x !== null);
  if (touched.length > 0) lines.push(`- Notes changed in those commits: ${touched.join('; ')}`);
  if (t.files_touched.length > 0) {
    const shown = t.files_touched.slice(0, 10).map((f) => `\`${f}\``);
    lines.push(`- Files edited (${t.files_touched.length}): ${shown.join(', ')}${t.files_touched.length > shown.length ? ', …' : ''}`);
  }
  if (plan.activeMinutes !== null) lines.push(`- Active: about ${plan.activeMinutes} min`);
  if (typeof plan.transcriptBytes === 'number') lines.push(`- Transcript archived: ${plan.transcriptBytes} bytes, secrets masked`);
  // File names and note stems from the file system and git: inert, as above.
  return inertText(lines.join('\n'));
}

// ---------------------------------------------------------------------------------------------
// The workstream's Session Log

/**
 * `- [<ID>](<href>) (<date>): <summary>`, the summary on one line, shortened for a list; the link
 * (the note's path from the workstream's folder) puts the session in the workstream's graph. The
 * summary is written inert (ADR-0023): a control that got into a note shows as `\x1b`.
 */
export function formatSessionLogEntry(id: string, date: string, summary: string, href?: string): string {
  let line = inertLine(summary);
  if (line.length > LOG_SUMMARY_MAX) line = `${line.slice(0, LOG_SUMMARY_MAX - 1).trimEnd()}…`;
  return `- ${href === undefined ? id : `[${id}](${encodeURI(href)})`} (${date}): ${line}`;
}

/**
 * Put `entry` first in the body's `## Session Log` (newest first, docs/contract.md §3.5), creating the section at
 * the end when it is missing. An entry for the same id is replaced, so a repeated handoff of one
 * session never lists it twice.
 */
export function insertSessionLogEntry(body: string, id: string, entry: string): string {
  const lines = body.split('\n');
  const start = lines.findIndex((l) => /^##[ \t]+Session Log[ \t#]*$/i.test(l));
  if (start === -1) {
    const trimmed = body.replace(/\s+$/, '');
    return `${trimmed === '' ? '' : `${trimmed}\n\n`}## Session Log\n\n${entry}\n`;
  }
  let end = lines.findIndex((l, i) => i > start && /^#{1,2}[ \t]/.test(l));
  if (end === -1) end = lines.length;
  // An earlier entry of this id, linked or not, is replaced.
  const own = [`- ${id} (`, `- [${id}](`];
  const section = lines.slice(start + 1, end).filter((l) => !own.some((o) => l.startsWith(o)));
  const firstItem = section.findIndex((l) => /^[-*][ \t]/.test(l));
  if (firstItem !== -1) section.splice(firstItem, 0, entry);
  else {
    // Prose only (or nothing): the list goes after it, set off by a blank line.
    while (section.length > 0 && section.at(-1)!.trim() === '') section.pop();
    section.push('', entry, '');
    if (end === lines.length) section.pop();
  }
  const result = [...lines.slice(0, start + 1), ...section, ...lines.slice(end)].join('\n');
  return result.endsWith('\n') ? result : `${result}\n`;
}
