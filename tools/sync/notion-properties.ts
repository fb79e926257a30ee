import type { NoteKind } from '../core/config.js';
import { NOTION_LIMITS, plainRichText, type RichText } from './notion-blocks.js';

/** The properties canon writes (docs/contract.md §10), by their default names, with the Notion type each needs. */
const NOTION_PROPERTIES = {
  external_id: 'rich_text',
  kind: 'select',
  operator: 'select',
  status: 'select',
  tags: 'multi_select',
  date: 'date',
  summary: 'rich_text',
  content_hash: 'rich_text',
} as const;
export type LogicalProperty = keyof typeof NOTION_PROPERTIES;

/** Where each logical property lives in the data source; absent ones are skipped. */
export interface PropertyMap {
  title: string;
  properties: Partial<Record<LogicalProperty, string>>;
}

export interface SchemaProblem {
  property: string;
  logical: LogicalProperty | 'title';
  expected: string;
  /** The type found, or null when the data source has no such property. */
  actual: string | null;
  /** Sync cannot run without it (the title, or external_id, which keeps pages unique). */
  fatal: boolean;
}

/**
 * Match canon's properties to a data source's schema. Sample input (GET /v1/data_sources/{id}):
 *
 *     "properties": { "Name": {"id": "title", "name": "Name", "type": "title", "title": {}},
 *                     "external_id": {"id": "p1", "name": "external_id", "type": "rich_text", "rich_text": {}} }
 *
 * The title property is found by its type, whatever the database calls it.
 */
export function matchSchema(schema: Record<string, { type?: unknown }>, names: Record<string, string>): { map: PropertyMap; problems: SchemaProblem[] } {
  const problems: SchemaProblem[] = [];
  const title = Object.entries(schema).find(([, spec]) => spec.type === 'title')?.[0];
  if (!title) problems.push({ property: names.title ?? 'Name', logical: 'title', expected: 'title', actual: null, fatal: true });
  const properties: PropertyMap['properties'] = {};
  for (const [logical, expected] of Object.entries(NOTION_PROPERTIES) as [LogicalProperty, string][]) {
    const name = names[logical] ?? logical;
    const actual = schema[name]?.type;
    if (actual === expected) {
      properties[logical] = name;
      continue;
    }
    problems.push({ property: name, logical, expected, actual: typeof actual === 'string' ? actual : null, fatal: logical === 'external_id' });
  }
  return { map: { title: title ?? '', properties }, problems };
}

/** Rich text for a property value: a glance value, so it is cut to one item of 2000 characters. */
function shortText(value: string): RichText[] {
  const text = value.length > NOTION_LIMITS.textChars ? `${value.slice(0, NOTION_LIMITS.textChars - 1)}…` : value;
  return text === '' ? [] : plainRichText(text);
}

/** Select option names: ≤ 100 characters and no commas (Notion refuses both). */
function optionName(value: string): string {
  return value.replace(/,/g, ' ').trim().slice(0, NOTION_LIMITS.arrayItems);
}

const asString = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);

export interface PropertyInput {
  kind: NoteKind;
  externalId: string;
  contentHash: string;
  data: Record<string, unknown>;
}

/** The page properties for a note, under the names `map` found in the data source. */
export function buildProperties(input: PropertyInput, map: PropertyMap): Record<string, unknown> {
  const { data } = input;
  const out: Record<string, unknown> = {};
  out[map.title] = { title: shortText(asString(data.title) ?? input.externalId) };
  const set = (logical: LogicalProperty, value: unknown) => {
    const name = map.properties[logical];
    if (name) out[name] = value;
  };
  set('external_id', { rich_text: shortText(input.externalId) });
  set('kind', { select: { name: input.kind } });
  const who = asString(input.kind === 'session' ? data.operator : data.owner) ?? asString(data.operator) ?? asString(data.owner);
  set('operator', { select: who ? { name: optionName(who) } : null });
  const status = asString(data.status);
  set('status', { select: status ? { name: optionName(status) } : null });
  const tags = Array.isArray(data.tags)
    ? [
        ...new Set(
          data.tags
            .filter((t): t is string => typeof t === 'string')
            .map(optionName)
            .filter(Boolean),
        ),
      ]
    : [];
  set('tags', { multi_select: tags.slice(0, NOTION_LIMITS.arrayItems).map((name) => ({ name })) });
  const date = asString(data.date) ?? asString(data.started);
  set('date', { date: date && /^\d{4}-\d{2}-\d{2}/.test(date) && !Number.isNaN(Date.parse(date)) ? { start: date } : null });
  set('summary', { rich_text: shortText(asString(data.summary) ?? '') });
  set('content_hash', { rich_text: shortText(input.contentHash) });
  return out;
}

/** Every logical property under its own name: what property diffs compare. */
const LOGICAL_MAP: PropertyMap = {
  title: 'title',
  properties: Object.fromEntries(Object.keys(NOTION_PROPERTIES).map((k) => [k, k])) as PropertyMap['properties'],
};

/**
 * The logical properties whose values differ between two versions of a note (content_hash left out:
 * it differs whenever anything does). `title` stands for the title property.
 */
export function diffProperties(
  kind: NoteKind,
  externalId: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): (LogicalProperty | 'title')[] {
  const a = buildProperties({ kind, externalId, contentHash: '', data: before }, LOGICAL_MAP);
  const b = buildProperties({ kind, externalId, contentHash: '', data: after }, LOGICAL_MAP);
  return (Object.keys(b) as (LogicalProperty | 'title')[]).filter((k) => k !== 'content_hash' && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/** Keep only the named logical properties (plus content_hash) of a built property set. */
export function pickProperties(
  properties: Record<string, unknown>,
  map: PropertyMap,
  logical: readonly (LogicalProperty | 'title')[],
): Record<string, unknown> {
  const names = new Set(logical.map((l) => (l === 'title' ? map.title : map.properties[l])).filter((n): n is string => Boolean(n)));
  const hash = map.properties.content_hash;
  if (hash) names.add(hash);
  return Object.fromEntries(Object.entries(properties).filter(([name]) => names.has(name)));
}
