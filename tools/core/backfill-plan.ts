import type { ValidateFunction } from 'ajv';
import { backfillMessages as m } from '../messages/backfill.js';
import { adrIdFromReference, mapAdrStatus, parseAdrBody, stripAdrNumber, type AdrFact } from './adr-formats.js';
import { rewriteLinks, type LinkChange } from './adr-renames.js';
import type { NoteKind } from './config.js';
import { isClaimStub, serializeNote, setFrontmatter, type Note } from './frontmatter.js';
import { toKebab } from './kebab.js';
import { externalIdFor } from './layout.js';
import { HEADING, proseLines } from './markdown-lines.js';
import { normalizeNote } from './normalize.js';
import type { Operator, OperatorRegistry } from './operators.js';
import { validateNote, type Issue, type NoteRef, type ValidationContext } from './validate-note.js';

/** Who first added a note file and when (from git history, following renames). */
export interface NoteOrigin {
  email: string;
  /** YYYY-MM-DD, the author date of that commit. */
  date: string;
}

export interface BackfillInput {
  ref: NoteRef;
  /** The file's text as it is now (before backfill). */
  text: string;
  note: Note;
  origin: NoteOrigin | null;
  /** The name the file gets (an ADR named for another tool: `001-x.md` → `0001-x.md`); identity follows it. */
  renameTo?: NoteRef | null;
  /** Every rename in this backfill (old → new repository-relative path), for links in the body. */
  renames?: ReadonlyMap<string, string>;
}

/** One thing backfill does to a file; `--json` prints these as they are. */
export type BackfillChange =
  | { action: 'add'; key: string; value: unknown; source: string }
  | { action: 'rename'; to: string }
  | { action: 'links'; links: LinkChange[] }
  | { action: 'convert'; key: string; from: unknown; value: unknown }
  | { action: 'frontmatter' | 'order' | 'hash' | 'line-endings' | 'bom' };

/** The parts of a kind's JSON schema backfill reads: which keys are required, and each key's shape. */
export interface KindSchema {
  required?: string[];
  properties?: Record<string, PropertySchema>;
}

export interface BackfillEnv {
  validation: ValidationContext;
  operators: OperatorRegistry;
  /** Validators may be precompiled (no `.schema` on them), so the schemas come in as data. */
  schemas: Record<NoteKind, KindSchema>;
}

export interface BackfillPlan {
  file: string;
  changes: BackfillChange[];
  /** Errors backfill cannot resolve without guessing; a file with any is left as it is. */
  problems: Issue[];
  /** The new file text, or null when no byte would change. */
  text: string | null;
  /** The note as planned (for cross-file checks such as duplicate ids). */
  note: Note;
}

/** A value that was converted, kept verbatim (docs/contract.md §9: `legacy_notes`). */
interface LegacyNote {
  key: string;
  value: unknown;
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Section headings canon itself writes: never a note's title. */
const SECTION_NAMES = new Set([
  'summary',
  'what shipped',
  'decisions',
  'open questions',
  'next steps',
  'resume prompt',
  'telemetry',
  'goal',
  'tasks',
  "what's next",
  'key context',
  'session log',
  'changelog',
  'context',
  'decision',
  'consequences',
  'status',
]);

/** Keys a legacy note may already hold a date in, in order of preference. */
const DATE_KEYS = ['date_started', 'started', 'created', 'created_at', 'started_at'] as const;

const STATUS_DEFAULTS: Partial<Record<NoteKind, string>> = { workstream: 'active', plan: 'draft', adr: 'accepted' };

/**
 * Plan the backfill of one note: which keys to add (derived from the file name, the folder, the
 * body and git history), which wrong-typed values to convert (the original kept in `legacy_notes`),
 * then canonical order and content_hash. Existing keys keep their bytes unless converted; unknown
 * keys are never touched; the body is never changed.
 */
export function planBackfill(input: BackfillInput, env: BackfillEnv): BackfillPlan {
  const { ref, origin } = input;
  const { validation, operators } = env;
  const file = ref.rel;
  const original = input.note;
  if (original.hasFrontmatter && isClaimStub(original)) return { file, changes: [], problems: [], text: null, note: original };

  const changes: BackfillChange[] = [];
  const problems: Issue[] = [];
  const legacy: LegacyNote[] = [];
  const validate = validation.validators[ref.kind];
  const properties = env.schemas[ref.kind].properties ?? {};
  const required = new Set(env.schemas[ref.kind].required ?? []);
  const target = input.renameTo ?? ref;
  let note = original;
  if (input.renameTo) changes.push({ action: 'rename', to: input.renameTo.rel });
  // The one change to a body backfill makes: links to files it renames follow them (ADR-0015).
  const relinked = rewriteLinks(note.body, ref.rel, input.renames ?? new Map());
  if (relinked.links.length > 0) {
    note = { ...note, body: relinked.body };
    changes.push({ action: 'links', links: relinked.links });
  }
  const adr = ref.kind === 'adr' ? parseAdrBody(original.body) : null;

  const problem = (key: string, message: string, rule: string) =>
    problems.push({ file, line: original.locate(`/${key}`).line, column: 1, severity: 'error', pointer: `/${key}`, message, rule });
  const add = (key: string, value: unknown, source: string) => {
    note = setFrontmatter(note, { [key]: value });
    changes.push({ action: 'add', key, value, source });
  };
  const convert = (key: string, value: unknown) => {
    const from = note.data[key];
    legacy.push({ key, value: from });
    note = setFrontmatter(note, { [key]: value });
    changes.push({ action: 'convert', key, from, value });
  };
  /** Present but empty (`owner:`, `title: ""`) counts as missing, yet its original is still kept. */
  const fill = (key: string, value: unknown, source: string) => (key in note.data ? convert(key, value) : add(key, value, source));

  if (!original.hasFrontmatter) changes.push({ action: 'frontmatter' });

  // Identity comes from where the file lives: the folder says the kind, the file name the id.
  if (note.data.kind !== ref.kind) fill('kind', ref.kind, m.source.folder);
  const expectedId = externalIdFor(ref.kind, target.stem);
  if (expectedId === null) problem('external_id', m.problem.externalIdFromName(ref.stem), 'backfill/external-id');
  else if (note.data.external_id !== expectedId) fill('external_id', expectedId, m.source.fileName);

  if (isBlank(note.data.title)) {
    const heading = firstHeading(note.body);
    const title = heading !== null && adr ? stripAdrNumber(heading) : heading;
    fill('title', title ?? ref.stem, title ? m.source.firstHeading : m.source.fileStem);
  }

  const personKey = ref.kind === 'session' ? 'operator' : ref.kind === 'workstream' || ref.kind === 'plan' ? 'owner' : null;
  if (personKey) planPerson(personKey);

  if (required.has('date') && isBlank(note.data.date)) {
    const derived = deriveDate();
    if (derived) fill('date', derived.value, derived.source);
    else problem('date', m.problem.dateUnknown, 'backfill/date');
  }

  if (required.has('summary') && isBlank(note.data.summary)) {
    const paragraph = firstParagraph(note.body);
    fill('summary', paragraph ?? String(note.data.title), paragraph ? m.source.firstParagraph : m.source.title);
  }

  if (adr) planAdr(adr);
  const statusDefault = STATUS_DEFAULTS[ref.kind];
  if (statusDefault && isBlank(note.data.status) && !problems.some((p) => p.pointer === '/status')) fill('status', statusDefault, m.source.default);

  // Values of the wrong shape that have one obvious conversion: `tags: "a, b"` → [a, b].
  const fileOrder = note.entries.map((e) => e.key);
  const byFileOrder = (a: string, b: string) => fileOrder.indexOf(a) - fileOrder.indexOf(b);
  for (const key of invalidKeys(validate, note.data).sort(byFileOrder)) {
    if (key === personKey || !(key in note.data)) continue;
    const converted = convertValue(properties[key], note.data[key]);
    if (converted !== undefined && keyValid(validate, { ...note.data, [key]: converted }, key)) convert(key, converted);
  }

  const backfilled = changes.some((c) => c.action === 'add' || c.action === 'convert');
  if (legacy.length > 0) {
    const kept = Array.isArray(note.data.legacy_notes) ? (note.data.legacy_notes as unknown[]) : null;
    if (kept === null && 'legacy_notes' in note.data) convert('legacy_notes', [...legacy, { key: 'legacy_notes', value: note.data.legacy_notes }]);
    else {
      const value = [...(kept ?? []), ...legacy];
      note = setFrontmatter(note, { legacy_notes: value });
      if (!kept) changes.push({ action: 'add', key: 'legacy_notes', value, source: m.source.legacyKept });
    }
  } else if (backfilled && !('legacy_notes' in note.data)) add('legacy_notes', [], m.source.legacyEmpty);

  const keyOrder = (n: Note) =>
    n.entries
      .map((e) => e.key)
      .filter((k) => k !== 'content_hash')
      .join('\n');
  const before = keyOrder(note);
  note = normalizeNote(note, ref.kind);
  if (original.hasFrontmatter && keyOrder(note) !== before) changes.push({ action: 'order' });
  if (note.data.content_hash !== original.data.content_hash) changes.push({ action: 'hash' });
  if (original.hadCrlf) changes.push({ action: 'line-endings' });
  if (original.hadBom) changes.push({ action: 'bom' });

  const text = serializeNote(note);
  const own = new Set(problems.map((p) => p.pointer));
  const remaining = validateNote(target, note, { ...validation, strict: true }).filter((i) => i.severity === 'error' && !own.has(i.pointer));
  for (const issue of remaining) {
    problems.push({
      ...issue,
      file,
      line: original.locate(issue.pointer).line,
      column: 1,
      message: issue.rule.startsWith('schema/') ? m.problem.cannotConvert(issue.message) : issue.message,
    });
  }
  return { file, changes, problems, text: text === input.text ? null : text, note };

  function planPerson(key: 'operator' | 'owner'): void {
    const value = note.data[key];
    if (!isBlank(value)) {
      if (typeof value === 'string' && operators.bySlug.has(value)) return;
      const match = findOperator(operators, value);
      if (match) convert(key, match.slug);
      else problem(key, m.problem.personUnknownValue(String(value)), `backfill/${key}`);
      return;
    }
    if (key === 'owner' && ref.kind !== 'workstream') return; // a plan's owner is optional: no guessing
    const initials = key === 'operator' ? /^([A-Z]{2,4})-\d{6}-\d{2}$/.exec(ref.stem)?.[1] : undefined;
    const byInitials = initials ? operators.byInitials.get(initials) : undefined;
    if (byInitials) return fill(key, byInitials.slug, m.source.fileInitials);
    if (!origin) {
      problem(key, m.problem.personNoHistory(key), `backfill/${key}`);
      return;
    }
    const author = operators.byEmail.get(origin.email.toLowerCase());
    if (author) fill(key, author.slug, m.source.author(origin.email));
    else problem(key, m.problem.personUnknownAuthor(key, origin.email), `backfill/${key}`);
  }

  /**
   * What an ADR written for adr-tools, MADR or log4brains says in its body (status, deciders, tags,
   * supersedes); a front-matter status in another tool's words (MADR 3: `status: rejected`) is
   * mapped the same way. Keys the note already holds win over the body.
   */
  function planAdr(facts: ReturnType<typeof parseAdrBody>): void {
    const current = note.data.status;
    const validStatus = typeof current === 'string' && (properties.status?.enum ?? []).includes(current);
    if (!isBlank(current) && !validStatus) {
      const mapped = mapAdrStatus(String(current));
      if (mapped) {
        convert('status', mapped.status);
        if (mapped.original && !('status_original' in note.data)) add('status_original', mapped.original, m.source.key('status'));
      }
    } else if (isBlank(current) && facts.status) {
      const mapped = mapAdrStatus(facts.status.text);
      if (!mapped) problem('status', m.problem.adrStatusUnknown(facts.status.text, adrSource('status', facts.status)), 'backfill/status');
      else {
        fill('status', mapped.status, adrSource('status', facts.status));
        if (mapped.original && !('status_original' in note.data)) add('status_original', mapped.original, adrSource('status', facts.status));
      }
    }
    if (!('deciders' in note.data)) {
      const makers = note.data['decision-makers'];
      const text = typeof makers === 'string' ? makers : Array.isArray(makers) && makers.every((x) => typeof x === 'string') ? makers.join(',') : null;
      const list = splitList(text ?? facts.deciders?.text ?? '');
      if (list.length > 0) add('deciders', list, text !== null ? m.source.key('decision-makers') : adrSource('deciders', facts.deciders!));
    }
    if (!('tags' in note.data) && facts.tags) {
      const tags = [
        ...new Set(
          splitList(facts.tags.text)
            .map(toKebab)
            .filter((t) => t !== ''),
        ),
      ];
      if (tags.length > 0) add('tags', tags, adrSource('tags', facts.tags));
    }
    if (isBlank(note.data.supersedes) && facts.supersedes) {
      const id = adrIdFromReference(facts.supersedes.text);
      if (id && id !== expectedId) fill('supersedes', id, adrSource('supersedes', facts.supersedes));
    }
  }

  function deriveDate(): { value: string; source: string } | null {
    if (ref.kind === 'session') {
      const fromName = dateFromStem(ref.stem);
      if (fromName) return { value: fromName, source: m.source.fileName };
    }
    for (const key of DATE_KEYS) {
      const value = toIsoDate(note.data[key]);
      if (value) return { value, source: m.source.key(key) };
    }
    const written = adr?.date ? toIsoDate(adr.date.text) : null;
    if (written) return { value: written, source: adrSource('date', adr!.date!) };
    return origin ? { value: origin.date, source: m.source.firstCommit } : null;
  }
}

/** Facts from a section all come from `## Status` (its first paragraph, or a `Supersedes …` one). */
function adrSource(key: string, fact: AdrFact): string {
  return fact.from === 'section' ? m.source.adrSection('status') : m.source.adrLine(key);
}

/** `Roman, Sergei; Ana` → [Roman, Sergei, Ana]. */
function splitList(text: string): string[] {
  return text
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** Match a legacy person value against slugs, initials, emails and names: `RT`, `Roman`, `roman@example.com`. */
function findOperator(operators: OperatorRegistry, value: unknown): Operator | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  const lower = v.toLowerCase();
  return (
    operators.bySlug.get(lower) ??
    operators.byInitials.get(v.toUpperCase()) ??
    operators.byEmail.get(lower) ??
    operators.operators.find((o) => o.name !== null && o.name.toLowerCase() === lower)
  );
}

/** `RT-260511-02` → 2026-05-11; `LOCAL-2026-05-11-1` → 2026-05-11. */
export function dateFromStem(stem: string): string | null {
  const short = /^[A-Za-z]+-(\d{2})(\d{2})(\d{2})-\d+$/.exec(stem);
  if (short) return toIsoDate(`20${short[1]}-${short[2]}-${short[3]}`);
  const long = /(?:^|\D)(\d{4}-\d{2}-\d{2})(?:\D|$)/.exec(stem);
  return long ? toIsoDate(long[1]) : null;
}

/** `2026-05-11`, `2026/5/11`, `2026-05-11T09:00:00Z` → `2026-05-11`; anything else → null. */
export function toIsoDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$/.exec(value.trim());
  if (!match) return null;
  const [y, mo, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${match[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export { toKebab };

/** The first `# H1`; failing that, the first heading that is not one of canon's section names. */
export function firstHeading(body: string): string | null {
  const headings = proseLines(body)
    .map((line) => HEADING.exec(line))
    .filter((h): h is RegExpExecArray => h !== null && h[2]!.trim() !== '');
  const h1 = headings.find((h) => h[1] === '#');
  const chosen = h1 ?? headings.find((h) => !SECTION_NAMES.has(h[2]!.trim().toLowerCase()));
  return chosen ? chosen[2]!.trim().slice(0, 300) : null;
}

const SUMMARY_LIMIT = 300;

/** The paragraph under `## Summary`, else the first paragraph of prose, as one line. */
export function firstParagraph(body: string): string | null {
  const lines = proseLines(body);
  const summaryAt = lines.findIndex((l) => /^\s{0,3}#{1,6}\s+summary\s*#*\s*$/i.test(l));
  const found = paragraphFrom(lines, summaryAt + 1);
  if (found === null) return null;
  if (found.length <= SUMMARY_LIMIT) return found;
  const cut = found.slice(0, SUMMARY_LIMIT - 1);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : cut.length)}…`;
}

function paragraphFrom(lines: readonly string[], start: number): string | null {
  const collected: string[] = [];
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const prose = line !== '' && !HEADING.test(line) && !/^(\||<!--|---+$|\*\*\*+$)/.test(line);
    if (prose) collected.push(line.replace(/^(?:[-*+]|\d+[.)]|>)\s+/, ''));
    else if (collected.length > 0) break;
  }
  const text = collected.join(' ').replace(/\s+/g, ' ').trim();
  return text === '' ? null : text;
}

export interface PropertySchema {
  $ref?: string;
  anyOf?: PropertySchema[];
  enum?: unknown[];
  type?: string | string[];
  items?: PropertySchema;
}

/** Top-level keys the schema rejects (missing required keys excluded: they are filled above). */
function invalidKeys(validate: ValidateFunction, data: Record<string, unknown>): string[] {
  if (validate(data)) return [];
  const keys = new Set<string>();
  for (const error of validate.errors ?? []) {
    const key = error.instancePath.split('/')[1];
    if (key !== undefined && key !== '') keys.add(key.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  return [...keys];
}

function keyValid(validate: ValidateFunction, data: Record<string, unknown>, key: string): boolean {
  if (validate(data)) return true;
  return !(validate.errors ?? []).some((e) => e.instancePath === `/${key}` || e.instancePath.startsWith(`/${key}/`));
}

type Shape = 'enum' | 'slug' | 'tags' | 'date' | 'text' | 'count' | 'number' | 'list' | 'other';

function shapeOf(schema: PropertySchema | undefined): Shape {
  if (!schema) return 'other';
  if (schema.enum) return 'enum';
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop();
    if (name === 'slug') return 'slug';
    if (name === 'tags') return 'tags';
    if (name === 'date') return 'date';
    if (name === 'count' || name === 'countOrNull') return 'count';
    if (name === 'minutesOrNull') return 'number';
    return 'other';
  }
  if (schema.anyOf) return shapeOf(schema.anyOf.find((branch) => branch.type !== 'null'));
  if (schema.type === 'string') return 'text';
  if (schema.type === 'number') return 'number';
  if (schema.type === 'array' && schema.items?.type === 'string') return 'list';
  return 'other';
}

const isScalar = (v: unknown): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v);

/**
 * The one obvious conversion of a wrong-shaped value, or undefined when there is none (then the
 * value stays and the file is reported). Never invents content: it only re-spells what is there.
 */
export function convertValue(schema: PropertySchema | undefined, value: unknown): unknown {
  switch (shapeOf(schema)) {
    case 'enum': {
      if (!isScalar(value)) return undefined;
      const wanted = toKebab(String(value));
      return schema!.enum!.find((option) => typeof option === 'string' && option.toLowerCase() === wanted);
    }
    case 'slug': {
      const slug = typeof value === 'string' ? toKebab(value) : '';
      return SLUG.test(slug) ? slug : undefined;
    }
    case 'tags': {
      const items = typeof value === 'string' ? value.split(/[,;]/) : Array.isArray(value) && value.every(isScalar) ? value.map(String) : null;
      if (items === null) return undefined;
      return [...new Set(items.map(toKebab).filter((t) => t !== ''))];
    }
    case 'date':
      return toIsoDate(value) ?? undefined;
    case 'text':
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
    case 'count':
      return typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : undefined;
    case 'number':
      return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : undefined;
    case 'list':
      if (typeof value === 'string')
        return value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
      return undefined;
    default:
      return undefined;
  }
}
