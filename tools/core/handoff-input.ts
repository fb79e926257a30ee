// The handoff's input (docs/contract.md §13, §3.5): the JSON and markdown parsers, the flags' draft layers and
// the checks that turn a draft into final content. Pure: no fs, git or clock.
import { parseNote, NoteSyntaxError } from './frontmatter.js';
import { inertText } from './inert-text.js';
import { describeCharacter, findFirstTextControl, isBidiControl } from './text-controls.js';
import { textMessages } from '../messages/text.js';

const CONFIDENCE_LEVELS = ['high', 'medium', 'low'] as const;
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];

/** The markdown body sections of a full note, each as markdown text ('' when empty). */
interface HandoffSections {
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

interface DraftTextControl {
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
