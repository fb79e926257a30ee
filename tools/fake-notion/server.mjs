// A fake Notion API on loopback HTTP, for canon's tests, `npm run demo` and `npm run bench`.
//
// It serves the endpoints canon's sync uses with the shapes of Notion-Versions 2025-09-03, 2026-03-11
// and 2026-12-01 (full page, block, database and data source objects; the page-markdown endpoints,
// which store what they are sent as blocks and answer GET /v1/pages/{id}/markdown from what they
// stored, normalised, in the dialect `markdown_version` asks for: v1 or v2 on 2026-03-11 (default v1),
// only v2 on 2026-12-01 (default v2; "v1" is refused); see markdown.mjs), and modelling the
// differences that matter: 2026-12-01 lists only the title property in query results unless
// filter_properties names more, and refuses replace_content_range; the markdown endpoints need
// 2026-03-11 or later. It behaves like the real service where it matters to a client:
// bearer auth and the Notion-Version header are required; request limits (2000 characters per text,
// 100 elements per array, two levels of nesting and 1000 blocks per request, 500 KB per body) are
// refused with 400 validation_error and Notion's own wording; lists paginate (page_size ≤ 100); a
// token bucket answers 429 rate_limited with an integer Retry-After; and faults can be injected
// (5xx at a seeded rate, 429 bursts, a dropped connection after a create has been applied).
// The rate limits of the current "Request limits" page (ADR-0041), each opt-in: a per-connection
// budget of requests per 60-second window (429, Retry-After = the time until the window resets, so
// ≤ 60 s) and a per-workspace budget shared by every connection (token) of the workspace, whose
// Retry-After can pass a minute; both say which limit in `additional_data.rate_limit_reason`. Error
// codes are scriptable per request (`faults.errors`: 403 restricted_resource, 409 conflict_error,
// 504 gateway_timeout — optionally after the request was applied —, anything else); a page can hold
// child pages (`addChildPage`), which a markdown update may delete only with allow_deleting_content;
// and a page past `markdownRecordLimit` blocks is read `truncated`, with `<unknown>` tags and
// `unknown_block_ids` that GET /v1/pages/{block id}/markdown answers.
// Plain ESM JavaScript so demo and bench scripts import it without a build step.
//
// Limits and error shapes: developers.notion.com/reference/request-limits, /reference/status-codes.
// Error body: {"object":"error","status":400,"code":"validation_error","message":"body failed
// validation: body.children[95].code.rich_text[0].text.content.length should be ≤ `2000`, instead was `5867`."}

/**
 * @typedef {{ rps?: number, burst?: number }} RateLimit
 * @typedef {{ requests: number, windowSeconds?: number, retryAfterSeconds?: number }} WindowLimit
 * @typedef {{ method?: string, path?: string | RegExp, status: number, code: string, message?: string, retryAfter?: number, rateLimitReason?: string, apply?: boolean, skip?: number, times?: number }} ScriptedError
 * @typedef {{ serverErrorRate?: number, seed?: number, dropAfterCreate?: number, rateLimitBurst?: number, overloadBurst?: number, overloadCreates?: number, failNext?: number, failCreates?: number, errors?: ScriptedError[] }} Faults
 * @typedef {{ type: string, options?: string[] }} PropertySpec
 * @typedef {{
 *   token?: string, version?: string, rateLimit?: RateLimit, faults?: Faults, retryAfterSeconds?: number,
 *   properties?: Record<string, PropertySpec>, databaseId?: string, dataSourceId?: string, port?: number
 * }} FakeNotionOptions
 * @typedef {{ method: string, path: string, status: number }} LoggedRequest
 */

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { seededRandom } from '../seeded-random.mjs';
import { MARKDOWN_VERSIONS, parseBlocks, renderBlocks } from './markdown.mjs';

/** The version canon sends by default; the fake answers every version in NOTION_VERSIONS. */
export const NOTION_VERSION = '2026-03-11';
export const NOTION_VERSIONS = ['2025-09-03', '2026-03-11', '2026-12-01'];
/** Blocks one markdown request may create (the fake's model of what the markdown endpoints refuse). */
const MARKDOWN_BLOCK_LIMIT = 1000;
const MAX_BODY_BYTES = 500_000;
const TEXT_LIMIT = 2000;
const ARRAY_LIMIT = 100;
const BLOCKS_PER_REQUEST = 1000;
/**
 * `additional_data.rate_limit_reason` of the two documented limits. The stored copy of Notion's page
 * names the field and says other values can appear; canon reads it only to say which limit was hit.
 */
export const RATE_LIMIT_REASONS = { connection: 'connection_rate_limit', workspace: 'workspace_rate_limit' };
/** Default messages of the error codes a script can answer (developers.notion.com/reference/status-codes). */
const ERROR_MESSAGES = {
  restricted_resource: 'API token does not have access to this resource.',
  conflict_error: 'Conflict occurred while saving. Please try again.',
  gateway_timeout: 'Notion timed out while attempting to complete this request. Please try again later.',
  rate_limited: 'You have been rate limited. Please try again in a few minutes.',
  service_overload: 'Notion is overloaded. Please try again later.',
  object_not_found: 'Could not find the requested object. Make sure the relevant pages and databases are shared with your integration.',
  internal_server_error: 'Unexpected error occurred.',
  service_unavailable: 'Notion is unavailable, please try again later.',
  validation_error: 'body failed validation.',
};
/** Block types that are a page or database of their own (`<page>` / `<database>` in page markdown). */
const CHILD_CONTENT = new Set(['child_page', 'child_database']);
const notionUrl = (id) => `https://www.notion.so/${id.replaceAll('-', '')}`;

/** The database canon expects by default: title under its usual name, the rest named as in docs/contract.md §10. */
export const DEFAULT_PROPERTIES = {
  Name: { type: 'title' },
  external_id: { type: 'rich_text' },
  kind: { type: 'select' },
  operator: { type: 'select' },
  status: { type: 'select' },
  tags: { type: 'multi_select' },
  date: { type: 'date' },
  summary: { type: 'rich_text' },
  content_hash: { type: 'rich_text' },
};

const LANGUAGES = new Set([
  'abap',
  'abc',
  'agda',
  'arduino',
  'ascii art',
  'assembly',
  'bash',
  'basic',
  'bnf',
  'c',
  'c#',
  'c++',
  'clojure',
  'coffeescript',
  'coq',
  'css',
  'dart',
  'dhall',
  'diff',
  'docker',
  'ebnf',
  'elixir',
  'elm',
  'erlang',
  'f#',
  'flow',
  'fortran',
  'gherkin',
  'glsl',
  'go',
  'graphql',
  'groovy',
  'haskell',
  'hcl',
  'html',
  'idris',
  'java',
  'javascript',
  'json',
  'julia',
  'kotlin',
  'latex',
  'less',
  'lisp',
  'livescript',
  'llvm ir',
  'lua',
  'makefile',
  'markdown',
  'markup',
  'matlab',
  'mathematica',
  'mermaid',
  'nix',
  'notion formula',
  'objective-c',
  'ocaml',
  'pascal',
  'perl',
  'php',
  'plain text',
  'powershell',
  'prolog',
  'protobuf',
  'purescript',
  'python',
  'r',
  'racket',
  'reason',
  'ruby',
  'rust',
  'sass',
  'scala',
  'scheme',
  'scss',
  'shell',
  'smalltalk',
  'solidity',
  'sql',
  'swift',
  'toml',
  'typescript',
  'vb.net',
  'verilog',
  'vhdl',
  'visual basic',
  'webassembly',
  'xml',
  'yaml',
  'java/c/c++/c#',
]);

const RICH_TEXT_BLOCKS = new Set([
  'paragraph',
  'heading_1',
  'heading_2',
  'heading_3',
  'heading_4',
  'bulleted_list_item',
  'numbered_list_item',
  'to_do',
  'toggle',
  'quote',
  'callout',
  'code',
]);
const BLOCK_TYPES = new Set([...RICH_TEXT_BLOCKS, 'divider', 'table', 'table_row', 'image', 'video', 'audio', 'file', 'pdf', 'bookmark', 'equation']);

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const invalid = (message) => new ApiError(400, 'validation_error', message);
const notFound = (id) =>
  new ApiError(404, 'object_not_found', `Could not find block with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`);

const now = () => new Date().toISOString();
const user = { object: 'user', id: '00000000-0000-4000-8000-00000000c0de' };

function fullRichText(items) {
  return items.map((item) => {
    if (item.type === 'equation') {
      const expression = item.equation?.expression ?? '';
      const annotations = { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default', ...(item.annotations ?? {}) };
      return { type: 'equation', equation: { expression }, annotations, plain_text: expression, href: null };
    }
    const content = item.text?.content ?? '';
    const link = item.text?.link ?? null;
    return {
      type: 'text',
      text: { content, link },
      annotations: {
        bold: false,
        italic: false,
        strikethrough: false,
        underline: false,
        code: false,
        color: 'default',
        ...(item.annotations ?? {}),
      },
      plain_text: content,
      href: link?.url ?? null,
    };
  });
}

function validateRichText(items, where) {
  if (!Array.isArray(items)) throw invalid(`body failed validation: ${where} should be an array, instead was \`${JSON.stringify(items)}\`.`);
  if (items.length > ARRAY_LIMIT) throw invalid(`body failed validation: ${where}.length should be ≤ \`${ARRAY_LIMIT}\`, instead was \`${items.length}\`.`);
  items.forEach((item, i) => {
    if (item?.type === 'equation') {
      if (typeof item.equation?.expression !== 'string') throw invalid(`body failed validation: ${where}[${i}].equation.expression should be a string.`);
      return;
    }
    const content = item?.text?.content;
    if (typeof content !== 'string') throw invalid(`body failed validation: ${where}[${i}].text.content should be defined, instead was \`undefined\`.`);
    if (content.length > TEXT_LIMIT) {
      throw invalid(`body failed validation: ${where}[${i}].text.content.length should be ≤ \`${TEXT_LIMIT}\`, instead was \`${content.length}\`.`);
    }
    const url = item.text.link?.url;
    if (url !== undefined) {
      if (typeof url !== 'string' || url.length > TEXT_LIMIT) throw invalid(`body failed validation: ${where}[${i}].text.link.url is too long.`);
      try {
        new URL(url);
      } catch {
        throw invalid(`Invalid URL for link: ${url}`);
      }
    }
  });
}

/**
 * Check an array of block requests the way Notion does: `depth` 1 is the array in the request body,
 * whose blocks may carry children; those children may not carry their own (two levels per request).
 */
function validateBlocks(blocks, where, depth, counter, parentType) {
  if (!Array.isArray(blocks)) throw invalid(`body failed validation: ${where} should be an array.`);
  if (blocks.length > ARRAY_LIMIT) throw invalid(`body failed validation: ${where}.length should be ≤ \`${ARRAY_LIMIT}\`, instead was \`${blocks.length}\`.`);
  blocks.forEach((block, i) => {
    counter.count += 1;
    const at = `${where}[${i}]`;
    const type = block?.type ?? Object.keys(block ?? {}).find((k) => BLOCK_TYPES.has(k));
    if (!type || !BLOCK_TYPES.has(type))
      throw invalid(`body failed validation: ${at}.type should be a known block type, instead was \`${JSON.stringify(block?.type)}\`.`);
    const data = block[type];
    if (!data || typeof data !== 'object') throw invalid(`body failed validation: ${at}.${type} should be defined, instead was \`undefined\`.`);
    if (type === 'table_row' && parentType !== 'table') throw invalid(`body failed validation: ${at}: table_row blocks can only be children of a table.`);
    if (RICH_TEXT_BLOCKS.has(type)) validateRichText(data.rich_text, `${at}.${type}.rich_text`);
    if (type === 'code' && !LANGUAGES.has(data.language)) {
      throw invalid(`body failed validation: ${at}.code.language should be one of the supported languages, instead was \`${JSON.stringify(data.language)}\`.`);
    }
    if (type === 'table') {
      if (!Number.isInteger(data.table_width) || data.table_width < 1)
        throw invalid(`body failed validation: ${at}.table.table_width should be a positive integer.`);
      if (!Array.isArray(data.children) || data.children.length === 0)
        throw invalid(`body failed validation: ${at}.table.children should be defined, instead was \`undefined\`.`);
    }
    if (type === 'table_row') {
      if (!Array.isArray(data.cells)) throw invalid(`body failed validation: ${at}.table_row.cells should be an array.`);
      data.cells.forEach((cell, c) => validateRichText(cell, `${at}.table_row.cells[${c}]`));
    }
    if (data.children !== undefined) {
      if (depth >= 2) throw invalid(`body failed validation: ${at}.${type}.children should be not present, instead was \`[…]\`.`);
      validateBlocks(data.children, `${at}.${type}.children`, depth + 1, counter, type);
    }
  });
  if (depth === 1 && counter.count > BLOCKS_PER_REQUEST) {
    throw invalid(`body failed validation: the request holds ${counter.count} blocks; at most ${BLOCKS_PER_REQUEST} are allowed.`);
  }
}

/** Validate a request's block array (exported so unit tests can hold canon's converter to the same rules). */
export function validateBlockRequests(blocks, where = 'body.children', parentType = 'page') {
  validateBlocks(blocks, where, 1, { count: 0 }, parentType);
}

/** @param {FakeNotionOptions} options */
export async function startFakeNotion(options = {}) {
  const token = options.token ?? 'fake-notion-test-token';
  const versions = options.version ? [options.version] : NOTION_VERSIONS;
  const databaseId = options.databaseId ?? randomUUID();
  const dataSourceId = options.dataSourceId ?? randomUUID();
  const schema = options.properties ?? DEFAULT_PROPERTIES;
  const retryAfterSeconds = options.retryAfterSeconds ?? 1;
  /** Scripted errors are copied: a script given to two fakes plays out in each. */
  const copyScript = (f) => (f.errors ? { ...f, errors: f.errors.map((e) => ({ ...e })) } : f);
  let faults = copyScript({ ...(options.faults ?? {}) });
  let random = seededRandom(faults.seed ?? 1);
  /** The request being answered (its Notion-Version shapes page and block objects and messages). */
  const answering = { version: '2026-03-11' };
  /** Editing something in the trash: worded by version (`archived` was renamed `in_trash` in 2026-03-11). */
  const trashed = () =>
    invalid(
      answering.version < '2026-03-11'
        ? "Can't edit block that is archived. You must unarchive the block before editing."
        : "Can't edit block that is in the trash. You must restore it (in_trash: false) before editing.",
    );
  let rate = { rps: options.rateLimit?.rps ?? Infinity, burst: options.rateLimit?.burst ?? 3 };
  let tokens = rate.burst;
  let refilledAt = Date.now();
  /** The per-connection budget per window, and the per-workspace one shared by every token. */
  let connectionLimit = options.connectionLimit ?? null;
  let workspaceLimit = options.workspaceLimit ?? null;
  /** token → { start, used } of its current window; 'workspace' → the workspace's. */
  const windows = new Map();
  /** Other connections (integration tokens) of the same workspace: they share its limit. */
  const tokens_ = new Set([token, ...(options.otherTokens ?? [])]);
  const recordLimit = () => options.markdownRecordLimit ?? Infinity;

  /** @type {LoggedRequest[]} */
  const requests = [];
  const pages = new Map();
  const blocks = new Map();
  /** container id (page or block) → ordered child block ids */
  const children = new Map();

  const propertyIds = new Map(Object.keys(schema).map((name, i) => [name, schema[name].type === 'title' ? 'title' : `p${i}`]));
  const options_ = new Map(Object.entries(schema).map(([name, spec]) => [name, new Map((spec.options ?? []).map((o) => [o, randomUUID()]))]));

  function schemaObject() {
    const properties = {};
    for (const [name, spec] of Object.entries(schema)) {
      const config =
        spec.type === 'select' || spec.type === 'multi_select'
          ? { options: [...options_.get(name)].map(([n, id]) => ({ id, name: n, color: 'default', description: null })) }
          : {};
      properties[name] = { id: propertyIds.get(name), name, description: null, type: spec.type, [spec.type]: config };
    }
    return properties;
  }

  function option(name, value, where) {
    if (!value || typeof value.name !== 'string') throw invalid(`body failed validation: ${where}.name should be defined.`);
    if (value.name.includes(',')) throw invalid(`Invalid select option, commas not allowed: ${value.name}`);
    if (value.name.length > ARRAY_LIMIT) throw invalid(`body failed validation: ${where}.name.length should be ≤ \`100\`.`);
    const known = options_.get(name);
    if (!known.has(value.name)) known.set(value.name, randomUUID());
    return { id: known.get(value.name), name: value.name, color: 'default' };
  }

  function writeProperties(target, input) {
    if (input === undefined) return;
    if (!input || typeof input !== 'object') throw invalid('body failed validation: body.properties should be an object.');
    for (const [name, value] of Object.entries(input)) {
      const spec = schema[name];
      if (!spec) throw invalid(`${name} is not a property that exists.`);
      const where = `body.properties.${name}`;
      const given = Object.keys(value ?? {}).filter((k) => k !== 'type' && k !== 'id');
      if (given.length !== 1 || given[0] !== spec.type) throw invalid(`${name} is expected to be ${spec.type}.`);
      const raw = value[spec.type];
      let stored;
      switch (spec.type) {
        case 'title':
        case 'rich_text':
          validateRichText(raw, `${where}.${spec.type}`);
          stored = fullRichText(raw);
          break;
        case 'select':
          stored = raw === null ? null : option(name, raw, `${where}.select`);
          break;
        case 'multi_select':
          if (!Array.isArray(raw)) throw invalid(`body failed validation: ${where}.multi_select should be an array.`);
          if (raw.length > ARRAY_LIMIT) throw invalid(`body failed validation: ${where}.multi_select.length should be ≤ \`100\`.`);
          stored = raw.map((v, i) => option(name, v, `${where}.multi_select[${i}]`));
          break;
        case 'date':
          if (raw !== null && (typeof raw?.start !== 'string' || Number.isNaN(Date.parse(raw.start)))) {
            throw invalid(`body failed validation: ${where}.date.start should be a valid ISO 8601 date string.`);
          }
          stored = raw === null ? null : { start: raw.start, end: raw.end ?? null, time_zone: null };
          break;
        default:
          stored = raw;
      }
      target[name] = { id: propertyIds.get(name), type: spec.type, [spec.type]: stored };
    }
  }

  function pageObject(page) {
    return {
      object: 'page',
      id: page.id,
      created_time: page.created_time,
      last_edited_time: page.last_edited_time,
      created_by: user,
      last_edited_by: user,
      cover: null,
      icon: null,
      parent: { type: 'data_source_id', data_source_id: dataSourceId, database_id: databaseId },
      in_trash: page.in_trash,
      // 2026-03-11 renamed `archived` to `in_trash`: from then on only `in_trash` is answered.
      ...(answering.version < '2026-03-11' ? { archived: page.in_trash } : {}),
      is_locked: false,
      properties: page.properties,
      url: `https://www.notion.so/${page.id.replaceAll('-', '')}`,
      public_url: null,
    };
  }

  function blockObject(block) {
    const { id, parent, type, data, in_trash, created_time, last_edited_time } = block;
    return {
      object: 'block',
      id,
      parent,
      created_time,
      last_edited_time,
      created_by: user,
      last_edited_by: user,
      has_children: (children.get(id) ?? []).some((c) => !blocks.get(c)?.in_trash),
      ...(answering.version < '2026-03-11' ? { archived: in_trash } : {}),
      in_trash,
      type,
      [type]: data,
    };
  }

  /** Store validated block requests under `parentId`; returns the stored top-level blocks. */
  function insertBlocks(parentId, requestsBlocks) {
    const parentIsPage = pages.has(parentId);
    const list = children.get(parentId) ?? [];
    children.set(parentId, list);
    const created = [];
    for (const request of requestsBlocks) {
      const type = request.type ?? Object.keys(request).find((k) => BLOCK_TYPES.has(k));
      const { children: nested, ...rest } = request[type];
      const data = RICH_TEXT_BLOCKS.has(type) ? { ...rest, rich_text: fullRichText(rest.rich_text) } : { ...rest };
      if (type === 'table_row') data.cells = rest.cells.map((cell) => fullRichText(cell));
      if (type === 'code' && !data.caption) data.caption = [];
      if (Array.isArray(rest.caption)) data.caption = fullRichText(rest.caption);
      const block = {
        id: randomUUID(),
        parent: parentIsPage ? { type: 'page_id', page_id: parentId } : { type: 'block_id', block_id: parentId },
        type,
        data,
        in_trash: false,
        created_time: now(),
        last_edited_time: now(),
      };
      blocks.set(block.id, block);
      list.push(block.id);
      if (nested) insertBlocks(block.id, nested);
      created.push(block);
    }
    return created;
  }

  function livingChildren(id) {
    return (children.get(id) ?? []).filter((c) => !blocks.get(c).in_trash);
  }

  function paginate(items, query) {
    const size = query.page_size === undefined ? 100 : Number(query.page_size);
    if (!Number.isInteger(size) || size < 1 || size > 100) {
      throw invalid(`body failed validation: page_size should be ≤ \`100\`, instead was \`${query.page_size}\`.`);
    }
    let start = 0;
    if (query.start_cursor !== undefined && query.start_cursor !== null) {
      start = items.findIndex((item) => item.id === query.start_cursor);
      if (start < 0) throw invalid(`start_cursor provided is invalid: ${query.start_cursor}`);
    }
    const slice = items.slice(start, start + size);
    const next = items[start + size];
    return { object: 'list', results: slice, next_cursor: next ? next.id : null, has_more: Boolean(next) };
  }

  function plainOf(property) {
    const value = property?.[property?.type];
    return Array.isArray(value) ? value.map((t) => t.plain_text).join('') : '';
  }

  function matches(page, filter) {
    if (!filter) return true;
    if (Array.isArray(filter.and)) return filter.and.every((f) => matches(page, f));
    if (Array.isArray(filter.or)) return filter.or.some((f) => matches(page, f));
    const spec = schema[filter.property];
    if (!spec) throw invalid(`Could not find property with name or id: ${filter.property}`);
    const condition = filter.rich_text ?? filter.title;
    if (condition?.is_not_empty === true) return plainOf(page.properties[filter.property]) !== '';
    if (!condition || typeof condition.equals !== 'string') throw invalid('body failed validation: body.filter should be a supported rich_text filter.');
    return plainOf(page.properties[filter.property]) === condition.equals;
  }

  function livePage(id) {
    const page = pages.get(id);
    if (!page) throw notFound(id);
    if (page.in_trash) throw trashed();
    return page;
  }

  /**
   * The markdown endpoints exist from 2026-03-11 on; `markdown_version` (a body parameter, a query
   * parameter on GET) picks the dialect of the whole request, input and answer. Without it each
   * version uses its default; 2026-12-01 refuses "v1" ("Migrate to Notion-flavored Markdown (v2)").
   */
  function requireMarkdownVersion(request, given) {
    if (request.version < '2026-03-11') throw invalid(`The markdown endpoints need Notion-Version 2026-03-11 or later, not ${request.version}.`);
    const known = MARKDOWN_VERSIONS[request.version];
    if (given === undefined) {
      request.dialect = known.default;
      return;
    }
    if (given !== 'v1' && given !== 'v2')
      throw invalid(`body failed validation: markdown_version should be "v1" or "v2", instead was \`${JSON.stringify(given)}\`.`);
    if (!known.accepts.includes(given))
      throw invalid(`markdown_version "${given}" is not supported in Notion-Version ${request.version}; use "v2" (Notion-flavored Markdown).`);
    request.dialect = given;
  }

  function countBlocks(list) {
    return list.reduce((n, b) => n + 1 + countBlocks(b[b.type]?.children ?? []), 0);
  }

  function markdownBlocks(markdown, request) {
    if (typeof markdown !== 'string') throw invalid('body failed validation: body.markdown should be a string.');
    const parsed = parseBlocks(markdown, request.dialect);
    const count = countBlocks(parsed);
    if (count > MARKDOWN_BLOCK_LIMIT)
      throw invalid(`body failed validation: the markdown holds ${count} blocks; at most ${MARKDOWN_BLOCK_LIMIT} are allowed per request.`);
    return parsed;
  }

  /**
   * A page as a data source query lists it. 2026-12-01 returns only the title property unless
   * `filter_properties` names others (ids or names); earlier versions return all of them unless it does.
   */
  function listedPage(page, request) {
    const object = pageObject(page);
    const wanted = request.filterProperties;
    if (wanted.length === 0 && request.version < '2026-12-01') return object;
    const keep = Object.entries(object.properties).filter(([name, value]) => value.type === 'title' || wanted.includes(name) || wanted.includes(value.id));
    return { ...object, properties: Object.fromEntries(keep) };
  }

  function requireContainer(id) {
    const page = pages.get(id);
    if (page && !page.in_trash) return;
    const block = blocks.get(id);
    if (!block || block.in_trash) throw notFound(id);
  }

  /** Nodes with their block ids (tree() leaves ids out: tests compare trees across fakes). */
  function nodesOf(id) {
    return livingChildren(id).map((childId) => {
      const block = blocks.get(childId);
      return { id: childId, type: block.type, data: block.data, children: nodesOf(childId) };
    });
  }

  const records = (nodes) => nodes.reduce((n, node) => n + 1 + records(node.children), 0);
  const childTag = (node) =>
    node.type === 'child_page'
      ? `<page url="${notionUrl(node.id)}">${node.data.title ?? ''}</page>`
      : `<database url="${notionUrl(node.id)}">${node.data.title ?? ''}</database>`;

  /**
   * Page markdown the way GET and PATCH /v1/pages/{id}/markdown answer it: child pages and databases
   * as `<page>` / `<database>` tags, and past `markdownRecordLimit` blocks the rest of the top-level
   * blocks as `<unknown>` tags whose ids are listed (truncated). `root` is a page or a block id.
   */
  function markdownAnswer(rootId, request) {
    const block = blocks.get(rootId);
    const nodes = pages.has(rootId) ? nodesOf(rootId) : [{ id: rootId, type: block.type, data: block.data, children: nodesOf(rootId) }];
    const limit = request.whole ? Infinity : recordLimit();
    const parts = [];
    const unknown = [];
    let run = [];
    let used = 0;
    const flush = () => {
      if (run.length) parts.push(renderBlocks(run, request.dialect).replace(/\n$/, ''));
      run = [];
    };
    for (const node of nodes) {
      used += 1 + records(node.children);
      if (used > limit && unknown.length + parts.length + run.length > 0) {
        flush();
        unknown.push(node.id);
        parts.push(`<unknown url="${notionUrl(rootId)}#${node.id.replaceAll('-', '')}" alt="${node.type}"/>`);
      } else if (CHILD_CONTENT.has(node.type)) {
        flush();
        parts.push(childTag(node));
      } else run.push(node);
    }
    flush();
    const markdown = parts.length ? `${parts.join(request.dialect === 'v1' ? '\n' : '\n\n')}\n` : '';
    return { object: 'page_markdown', id: rootId, markdown, truncated: unknown.length > 0, unknown_block_ids: unknown };
  }

  /**
   * Set a page's body from markdown (a PATCH's result). Child pages and databases whose tag the new
   * text keeps stay (same block, same place); one it drops is deleted only with allow_deleting_content —
   * without it the update is refused, as Notion documents, and nothing changes.
   */
  function setPageMarkdown(page, next, request, allowDeleting) {
    const children_ = nodesOf(page.id).filter((n) => CHILD_CONTENT.has(n.type));
    const tag = /^<(page|database) url="([^"]+)">.*<\/(?:page|database)>$/gm;
    const keptUrls = new Set([...next.matchAll(tag)].map((match) => match[2]));
    const dropped = children_.filter((n) => !keptUrls.has(notionUrl(n.id)));
    if (dropped.length > 0 && !allowDeleting)
      throw invalid(
        `This update would delete ${dropped.length} child page(s) or database(s) (${dropped.map((n) => n.data.title).join(', ')}). Set allow_deleting_content: true to allow it.`,
      );
    // Segments of new text between the kept tags; parsed before anything changes (all or nothing).
    const byUrl = new Map(children_.map((n) => [notionUrl(n.id), n.id]));
    const segments = [];
    let last = 0;
    for (const match of next.matchAll(tag)) {
      segments.push({ text: next.slice(last, match.index) });
      if (byUrl.has(match[2])) segments.push({ keep: byUrl.get(match[2]) });
      last = match.index + match[0].length;
    }
    segments.push({ text: next.slice(last) });
    const parsed = segments.map((segment) =>
      segment.keep ? segment : { blocks: markdownBlocks(segment.text.replace(/^\n+/, '').replace(/\n*$/, segment.text.trim() ? '\n' : ''), request) },
    );
    const count = parsed.reduce((n, segment) => n + (segment.blocks ? countBlocks(segment.blocks) : 0), 0);
    if (count > MARKDOWN_BLOCK_LIMIT)
      throw invalid(`body failed validation: the markdown holds ${count} blocks; at most ${MARKDOWN_BLOCK_LIMIT} are allowed per request.`);
    const kept = new Set(parsed.filter((segment) => segment.keep).map((segment) => segment.keep));
    for (const id of livingChildren(page.id)) if (!kept.has(id)) blocks.get(id).in_trash = true;
    const list = children.get(page.id).filter((id) => !kept.has(id));
    children.set(page.id, list);
    for (const segment of parsed) {
      if (segment.keep) list.push(segment.keep);
      else insertBlocks(page.id, segment.blocks);
    }
  }

  /** A scripted error for this request, if one matches (consumed as it answers). */
  function scripted(method, path) {
    for (const entry of faults.errors ?? []) {
      if ((entry.times ?? 1) <= 0) continue;
      if (entry.method && entry.method !== method) continue;
      if (entry.path !== undefined && !(entry.path instanceof RegExp ? entry.path.test(path) : path.includes(entry.path))) continue;
      if ((entry.skip ?? 0) > 0) {
        entry.skip -= 1;
        continue;
      }
      entry.times = (entry.times ?? 1) - 1;
      return entry;
    }
    return null;
  }

  /** Spend one request of a fixed-window budget; the seconds until it resets when it is spent. */
  function spend(key, limit) {
    const windowMs = (limit.windowSeconds ?? 60) * 1000;
    const t = Date.now();
    let current = windows.get(key);
    if (!current || t - current.start >= windowMs) {
      current = { start: t, used: 0 };
      windows.set(key, current);
    }
    if (current.used >= limit.requests) return Math.max(1, Math.ceil((current.start + windowMs - t) / 1000));
    current.used += 1;
    return 0;
  }

  const routes = [
    [
      'GET',
      /^\/v1\/databases\/([^/]+)$/,
      (m) => {
        if (m[1] !== databaseId) throw notFound(m[1]);
        return {
          object: 'database',
          id: databaseId,
          title: fullRichText([{ text: { content: 'canon notes' } }]),
          description: [],
          parent: { type: 'workspace', workspace: true },
          is_inline: false,
          in_trash: false,
          is_locked: false,
          created_time: now(),
          last_edited_time: now(),
          data_sources: [{ id: dataSourceId, name: 'canon notes' }],
          icon: null,
          cover: null,
          url: `https://www.notion.so/${databaseId.replaceAll('-', '')}`,
          public_url: null,
        };
      },
    ],
    [
      'GET',
      /^\/v1\/data_sources\/([^/]+)$/,
      (m) => {
        if (m[1] !== dataSourceId) throw notFound(m[1]);
        return {
          object: 'data_source',
          id: dataSourceId,
          title: fullRichText([{ text: { content: 'canon notes' } }]),
          description: [],
          parent: { type: 'database_id', database_id: databaseId },
          database_parent: { type: 'workspace', workspace: true },
          is_inline: false,
          in_trash: false,
          archived: false,
          created_time: now(),
          last_edited_time: now(),
          created_by: user,
          last_edited_by: user,
          properties: schemaObject(),
          icon: null,
          cover: null,
          url: `https://www.notion.so/${dataSourceId.replaceAll('-', '')}`,
          public_url: null,
        };
      },
    ],
    [
      'POST',
      /^\/v1\/data_sources\/([^/]+)\/query$/,
      (m, body, _query, request) => {
        if (m[1] !== dataSourceId) throw notFound(m[1]);
        const found = [...pages.values()].filter((p) => !p.in_trash && matches(p, body.filter)).map((p) => listedPage(p, request));
        return { ...paginate(found, body), type: 'page_or_data_source', page_or_data_source: {} };
      },
    ],
    [
      'POST',
      /^\/v1\/pages$/,
      (_m, body, _query, request) => {
        const parent = body.parent ?? {};
        const parentId = parent.data_source_id ?? parent.database_id;
        if (parentId !== dataSourceId && parentId !== databaseId) throw notFound(parentId);
        if (body.children !== undefined) validateBlockRequests(body.children);
        let fromMarkdown;
        if (body.markdown_version !== undefined && body.markdown === undefined)
          throw invalid('body failed validation: markdown_version can only be sent with markdown.');
        if (body.markdown !== undefined) {
          requireMarkdownVersion(request, body.markdown_version);
          if (body.children !== undefined) throw invalid('body failed validation: markdown and children cannot both be given.');
          fromMarkdown = markdownBlocks(body.markdown, request);
        }
        const page = { id: randomUUID(), properties: {}, in_trash: false, created_time: now(), last_edited_time: now() };
        writeProperties(page.properties, body.properties);
        for (const [name, spec] of Object.entries(schema)) {
          if (!page.properties[name]) {
            const empty = spec.type === 'title' || spec.type === 'rich_text' || spec.type === 'multi_select' ? [] : null;
            page.properties[name] = { id: propertyIds.get(name), type: spec.type, [spec.type]: empty };
          }
        }
        pages.set(page.id, page);
        children.set(page.id, []);
        if (body.children) insertBlocks(page.id, body.children);
        if (fromMarkdown) insertBlocks(page.id, fromMarkdown);
        return pageObject(page);
      },
    ],
    [
      'GET',
      /^\/v1\/pages\/([^/]+)\/markdown$/,
      (m, _body, query, request) => {
        requireMarkdownVersion(request, query.markdown_version);
        // A block id from unknown_block_ids answers that block's subtree.
        if (!pages.has(m[1]) && blocks.has(m[1]) && !blocks.get(m[1]).in_trash) return markdownAnswer(m[1], request);
        const page = livePage(m[1]);
        return markdownAnswer(page.id, request);
      },
    ],
    [
      'PATCH',
      /^\/v1\/pages\/([^/]+)\/markdown$/,
      (m, body, _query, request) => {
        requireMarkdownVersion(request, body.markdown_version);
        const page = livePage(m[1]);
        const current = markdownAnswer(page.id, { ...request, whole: true }).markdown;
        let next;
        switch (body.type) {
          case 'replace_content':
            if (typeof body.replace_content?.new_str !== 'string') throw invalid('body failed validation: body.replace_content.new_str should be a string.');
            next = body.replace_content.new_str;
            break;
          case 'update_content': {
            const updates = body.update_content?.content_updates;
            if (!Array.isArray(updates) || updates.length === 0)
              throw invalid('body failed validation: body.update_content.content_updates should be a non-empty array.');
            next = current;
            for (const [i, update] of updates.entries()) {
              const { old_str: oldStr, new_str: newStr, replace_all_matches: all } = update ?? {};
              if (typeof oldStr !== 'string' || oldStr === '' || typeof newStr !== 'string')
                throw invalid(`body failed validation: body.update_content.content_updates[${i}] needs old_str and new_str.`);
              const count = next.split(oldStr).length - 1;
              if (count === 0) throw invalid(`content_updates[${i}].old_str was not found in the page content.`);
              if (count > 1 && !all) throw invalid(`content_updates[${i}].old_str matches ${count} places; make it unique or set replace_all_matches.`);
              next = all ? next.split(oldStr).join(newStr) : next.replace(oldStr, () => newStr);
            }
            break;
          }
          case 'insert_content':
            if (typeof body.insert_content?.content !== 'string') throw invalid('body failed validation: body.insert_content.content should be a string.');
            next = `${current}${current && !current.endsWith('\n') ? '\n' : ''}${body.insert_content.content}`;
            break;
          case 'replace_content_range':
            if (request.version >= '2026-12-01') throw invalid('replace_content_range is not supported in Notion-Version 2026-12-01; use update_content.');
            throw invalid('replace_content_range is not modelled by this fake; use update_content or replace_content.');
          default:
            throw invalid(
              `body failed validation: body.type should be one of insert_content, update_content, replace_content, instead was \`${JSON.stringify(body.type)}\`.`,
            );
        }
        // Parse before touching anything: a refused update leaves the page as it was, never half.
        setPageMarkdown(page, next, request, body[body.type]?.allow_deleting_content === true);
        page.last_edited_time = now();
        return markdownAnswer(page.id, request);
      },
    ],
    [
      'GET',
      /^\/v1\/pages\/([^/]+)$/,
      (m) => {
        const page = pages.get(m[1]);
        if (!page) throw notFound(m[1]);
        return pageObject(page);
      },
    ],
    [
      'PATCH',
      /^\/v1\/pages\/([^/]+)$/,
      (m, body, _query, request) => {
        const page = pages.get(m[1]);
        if (!page) throw notFound(m[1]);
        if (body.archived !== undefined && request.version >= '2026-03-11')
          throw invalid('body failed validation: body.archived is not a known parameter in this Notion-Version; use body.in_trash.');
        if (page.in_trash && body.in_trash !== false && body.archived !== false) throw trashed();
        const next = { ...page.properties };
        writeProperties(next, body.properties);
        page.properties = next;
        if (typeof body.in_trash === 'boolean') page.in_trash = body.in_trash;
        else if (typeof body.archived === 'boolean') page.in_trash = body.archived;
        page.last_edited_time = now();
        return pageObject(page);
      },
    ],
    [
      'GET',
      /^\/v1\/blocks\/([^/]+)\/children$/,
      (m, _body, query) => {
        requireContainer(m[1]);
        const list = livingChildren(m[1]).map((id) => blockObject(blocks.get(id)));
        return { ...paginate(list, query), type: 'block', block: {} };
      },
    ],
    [
      'PATCH',
      /^\/v1\/blocks\/([^/]+)\/children$/,
      (m, body) => {
        requireContainer(m[1]);
        const parentType = blocks.get(m[1])?.type ?? 'page';
        validateBlockRequests(body.children, 'body.children', parentType);
        const created = insertBlocks(m[1], body.children);
        return { object: 'list', results: created.map(blockObject), next_cursor: null, has_more: false, type: 'block', block: {} };
      },
    ],
    [
      'GET',
      /^\/v1\/blocks\/([^/]+)$/,
      (m) => {
        const block = blocks.get(m[1]);
        if (!block) throw notFound(m[1]);
        return blockObject(block);
      },
    ],
    [
      'DELETE',
      /^\/v1\/blocks\/([^/]+)$/,
      (m) => {
        const page = pages.get(m[1]);
        if (page) {
          page.in_trash = true;
          return pageObject(page);
        }
        const block = blocks.get(m[1]);
        if (!block) throw notFound(m[1]);
        if (block.in_trash) throw trashed();
        block.in_trash = true;
        block.last_edited_time = now();
        return blockObject(block);
      },
    ],
  ];

  function takeToken() {
    if (!Number.isFinite(rate.rps)) return true;
    const t = Date.now();
    tokens = Math.min(rate.burst, tokens + ((t - refilledAt) / 1000) * rate.rps);
    refilledAt = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }

  function send(res, status, body, headers = {}) {
    const text = JSON.stringify(status >= 400 ? body : { ...body, request_id: randomUUID() });
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(text);
  }

  function error(res, status, code, message, headers) {
    send(res, status, { object: 'error', status, code, message, request_id: randomUUID() }, headers);
  }

  async function readBody(req) {
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      chunks.push(chunk);
    }
    return { text: Buffer.concat(chunks).toString('utf8'), size };
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const log = { method, path: url.pathname, status: 0 };
    requests.push(log);
    const fail = (status, code, message, headers) => {
      log.status = status;
      error(res, status, code, message, headers);
    };
    let text;
    let size;
    try {
      ({ text, size } = await readBody(req));
    } catch {
      // The client went away mid-body (a runtime killed during a run): nothing to answer.
      log.status = -1;
      return;
    }
    // Opt-in: a test that must prove something never reached Notion reads every body sent.
    if (options.keepBodies) log.body = text;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !tokens_.has(bearer)) return fail(401, 'unauthorized', 'API token is invalid.');
    const given = req.headers['notion-version'];
    if (!given)
      return fail(400, 'missing_version', 'Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.');
    if (!versions.includes(given))
      return fail(
        400,
        'validation_error',
        `Notion-Version header failed validation: ${given} is not supported by this fake; use one of ${versions.join(', ')}.`,
      );
    answering.version = given;
    const request = { version: given, dialect: given >= '2026-12-01' ? 'v2' : 'v1', filterProperties: url.searchParams.getAll('filter_properties') };
    /** An error body as Notion sends it, with `additional_data` when there is any. */
    const failWith = (status, code, message, headers, additional) => {
      log.status = status;
      send(res, status, { object: 'error', status, code, message, request_id: randomUUID(), ...(additional ? { additional_data: additional } : {}) }, headers);
    };
    const answerScript = (entry) =>
      failWith(
        entry.status,
        entry.code,
        entry.message ?? ERROR_MESSAGES[entry.code] ?? 'Unexpected error occurred.',
        entry.retryAfter !== undefined ? { 'retry-after': String(entry.retryAfter) } : {},
        entry.rateLimitReason ? { rate_limit_reason: entry.rateLimitReason } : undefined,
      );
    // The documented limits: the workspace's (shared by its connections), then this connection's window.
    if (workspaceLimit) {
      const wait = spend('workspace', workspaceLimit);
      if (wait > 0)
        return failWith(
          429,
          'rate_limited',
          ERROR_MESSAGES.rate_limited,
          { 'retry-after': String(workspaceLimit.retryAfterSeconds ?? wait) },
          {
            rate_limit_reason: RATE_LIMIT_REASONS.workspace,
          },
        );
    }
    if (connectionLimit) {
      const wait = spend(`connection:${bearer}`, connectionLimit);
      if (wait > 0)
        return failWith(
          429,
          'rate_limited',
          ERROR_MESSAGES.rate_limited,
          { 'retry-after': String(wait) },
          { rate_limit_reason: RATE_LIMIT_REASONS.connection },
        );
    }
    // A scripted answer for this request (after it is applied when `apply`: an answer lost after the write).
    const script = scripted(method, url.pathname);
    if (script && !script.apply) return answerScript(script);
    if (faults.rateLimitBurst > 0) {
      faults.rateLimitBurst -= 1;
      return fail(429, 'rate_limited', 'You have been rate limited. Please try again in a few minutes.', { 'retry-after': String(retryAfterSeconds) });
    }
    const creating = method === 'POST' && url.pathname === '/v1/pages';
    if (faults.overloadBurst > 0 || (creating && faults.overloadCreates > 0)) {
      // 529 service_overload: Notion's "handle like 429" answer, with its Retry-After.
      if (faults.overloadBurst > 0) faults.overloadBurst -= 1;
      else faults.overloadCreates -= 1;
      return fail(529, 'service_overload', 'Notion is overloaded. Please try again later.', { 'retry-after': String(retryAfterSeconds) });
    }
    if (!takeToken()) {
      const wait = Math.max(retryAfterSeconds, Math.ceil((1 - tokens) / rate.rps));
      return fail(429, 'rate_limited', 'You have been rate limited. Please try again in a few minutes.', { 'retry-after': String(wait) });
    }
    if (faults.failCreates > 0 && method === 'POST' && url.pathname === '/v1/pages') {
      faults.failCreates -= 1;
      return fail(500, 'internal_server_error', 'Unexpected error occurred.');
    }
    if (faults.failNext > 0) {
      faults.failNext -= 1;
      return fail(500, 'internal_server_error', 'Unexpected error occurred.');
    }
    if ((faults.serverErrorRate ?? 0) > 0 && random() < faults.serverErrorRate) {
      return random() < 0.5
        ? fail(500, 'internal_server_error', 'Unexpected error occurred.')
        : fail(503, 'service_unavailable', 'Notion is unavailable, please try again later.');
    }
    // Measured on the wire, as Notion does: the JSON body's bytes, escapes included. (The body of
    // Notion's 413 is not documented; canon reads the status.)
    if (size > MAX_BODY_BYTES) return fail(413, 'payload_too_large', `Request body too large: ${size} bytes; the limit is ${MAX_BODY_BYTES}.`);
    let body = {};
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        return fail(400, 'invalid_json', 'Error parsing JSON body.');
      }
    }
    const query = Object.fromEntries(url.searchParams);
    for (const [routeMethod, pattern, handler] of routes) {
      const match = routeMethod === method ? pattern.exec(url.pathname) : null;
      if (!match) continue;
      try {
        const result = handler(match, body, query, request);
        // Applied, but the answer is an error (a 504 after the write): the client cannot know.
        if (script) return answerScript(script);
        if (method === 'POST' && url.pathname === '/v1/pages' && faults.dropAfterCreate > 0) {
          // The page now exists, but the client never hears so: the crash canon must not duplicate.
          faults.dropAfterCreate -= 1;
          log.status = -1;
          res.socket?.destroy();
          return;
        }
        log.status = 200;
        return send(res, 200, result);
      } catch (caught) {
        if (caught instanceof ApiError) return fail(caught.status, caught.code, caught.message);
        return fail(500, 'internal_server_error', String(caught?.message ?? caught));
      }
    }
    return fail(400, 'invalid_request_url', 'Invalid request URL.');
  });

  await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  function tree(id) {
    return livingChildren(id).map((childId) => {
      const block = blocks.get(childId);
      return { type: block.type, data: block.data, children: tree(childId) };
    });
  }

  function textOf(nodes) {
    const lines = [];
    for (const node of nodes) {
      const rich = node.data.rich_text;
      if (Array.isArray(rich)) lines.push(rich.map((t) => t.plain_text).join(''));
      if (node.type === 'table_row') lines.push(node.data.cells.map((c) => c.map((t) => t.plain_text).join('')).join(' | '));
      lines.push(...textOf(node.children));
    }
    return lines;
  }

  return {
    baseUrl,
    token,
    databaseId,
    dataSourceId,
    requests,
    /** Live pages (not in trash), as API page objects. */
    pages: () => [...pages.values()].filter((p) => !p.in_trash).map(pageObject),
    pagesByExternalId: (externalId) => [...pages.values()].filter((p) => !p.in_trash && plainOf(p.properties.external_id) === externalId).map(pageObject),
    /** The page body as a block tree ({type, data, children}). */
    blockTree: (pageId) => tree(pageId),
    /** The page body as Notion would answer GET /v1/pages/{id}/markdown in a dialect ('v1' | 'v2'). */
    pageMarkdown: (pageId, dialect = 'v1') => markdownAnswer(pageId, { dialect, whole: true }).markdown,
    /** The page body's text, one line per block, in reading order. */
    pageText: (pageId) => textOf(tree(pageId)).join('\n'),
    propertyText: (page, name) => plainOf(page.properties[name]),
    writeCount: () => requests.filter((r) => r.method !== 'GET' && !r.path.endsWith('/query')).length,
    setFaults: (next) => {
      faults = { ...faults, ...copyScript(next) };
      if (next.seed !== undefined) random = seededRandom(next.seed);
    },
    /** Limits of the current Request limits page (null turns one off); budgets start afresh. */
    setLimits: (next) => {
      if (next.connection !== undefined) connectionLimit = next.connection;
      if (next.workspace !== undefined) workspaceLimit = next.workspace;
      windows.clear();
    },
    /** Add a child page (or database) to a page, the way a person does in Notion; returns its block id. */
    addChildPage: (pageId, title, kind = 'page') => {
      if (!pages.has(pageId)) throw new Error(`no page ${pageId}`);
      const type = kind === 'database' ? 'child_database' : 'child_page';
      const block = {
        id: randomUUID(),
        parent: { type: 'page_id', page_id: pageId },
        type,
        data: { title },
        in_trash: false,
        created_time: now(),
        last_edited_time: now(),
      };
      blocks.set(block.id, block);
      const list = children.get(pageId) ?? [];
      list.push(block.id);
      children.set(pageId, list);
      return block.id;
    },
    setRateLimit: (next) => {
      rate = { ...rate, ...next };
      tokens = rate.burst;
      refilledAt = Date.now();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve(undefined));
      }),
  };
}
