import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { NOTE_KINDS } from '../../tools/core/config.js';
import { parseNote } from '../../tools/core/frontmatter.js';
import { KIND_FIELDS, TELEMETRY_KEYS } from '../../tools/core/key-order.js';
import { formatSchemaErrors } from '../../tools/core/schema-errors.js';
import { getValidators, packageRoot, readSchema } from '../../tools/io/schemas.js';

const validators = getValidators();

function issuesFor(kind: (typeof NOTE_KINDS)[number], data: Record<string, unknown>) {
  const validate = validators[kind];
  return validate(data) ? [] : formatSchemaErrors(validate.errors ?? []);
}

describe('schemas', () => {
  test.each(NOTE_KINDS)('templates/%s.md validates against its schema', (kind) => {
    const note = parseNote(readFileSync(path.join(packageRoot(), 'templates', `${kind}.md`), 'utf8'));
    expect(issuesFor(kind, note.data)).toEqual([]);
  });

  test.each(NOTE_KINDS)('the %s key order lists the schema fields in schema order', (kind) => {
    const properties = Object.keys((readSchema(kind) as { properties: Record<string, unknown> }).properties);
    const own = properties.filter((p) => (KIND_FIELDS[kind] as readonly string[]).includes(p));
    expect(own).toEqual([...KIND_FIELDS[kind]]);
    if (kind === 'session') expect(properties.filter((p) => (TELEMETRY_KEYS as readonly string[]).includes(p))).toEqual([...TELEMETRY_KEYS]);
  });

  test('every kind requires title, kind and external_id', () => {
    for (const kind of NOTE_KINDS) {
      expect(
        issuesFor(kind, {})
          .filter((i) => i.rule === 'schema/required')
          .map((i) => i.pointer),
      ).toEqual(expect.arrayContaining(['/title', '/kind', '/external_id']));
    }
  });

  test.each([
    ['wrong type', { title: 3 }, '/title', 'schema/type', /must be text/],
    ['bad date', { date: '11/05/2026' }, '/date', 'schema/format', /YYYY-MM-DD/],
    ['bad tag', { tags: ['Not Kebab'] }, '/tags/0', 'schema/pattern', /kebab-case/],
    ['repeated tag', { tags: ['a', 'a'] }, '/tags', 'schema/uniqueItems', /repeat/],
    ['unknown mode', { mode: 'long' }, '/mode', 'schema/enum', /"full", "quick"/],
    ['path traversal id', { external_id: '../../x' }, '/external_id', 'schema/pattern', /path separators/],
    ['negative count', { tool_calls_count: -1 }, '/tool_calls_count', 'schema/minimum', /at least 0/],
    ['bad hash', { content_hash: 'md5:x' }, '/content_hash', 'schema/pattern', /sha256/],
    ['bad sync status', { sync_status: 'done' }, '/sync_status', 'schema/enum', /pending/],
    ['workstream not a slug', { workstream: 'Has Spaces' }, '/workstream', 'schema/anyOf', /slug/],
  ])('%s gives one sentence at the right pointer', (_name, patch, pointer, rule, message) => {
    const valid = { title: 'T', operator: 'roman', summary: 'S', kind: 'session', external_id: 'RT-260511-01', date: '2026-05-11' };
    expect(issuesFor('session', valid)).toEqual([]);
    const issues = issuesFor('session', { ...valid, ...patch });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ pointer, rule });
    expect(issues[0]!.message).toMatch(message);
  });

  test('unknown keys are allowed: they are kept forever', () => {
    expect(
      issuesFor('session', { title: 'T', operator: 'roman', summary: 'S', kind: 'session', external_id: 'X', date: '2026-05-11', notion_session_id_note: 'x' }),
    ).toEqual([]);
  });

  test('the committed schemas are the contract: a change here must be deliberate', () => {
    // Drift guard (changesets' habit): update this list consciously when a schema gains a field.
    const session = readSchema('session') as { required: string[]; properties: Record<string, unknown> };
    expect(session.required).toEqual(['title', 'kind', 'external_id', 'operator', 'summary', 'date']);
    expect(Object.keys(session.properties)).toMatchSnapshot();
  });
});

describe('config schema: the Claude Code integration (ADR-0008)', () => {
  test('forbidden_mcp takes names and * globs, counter a plain server name; claude.* is bounded', async () => {
    const { getValidators } = await import('../../tools/io/schemas.js');
    const validate = getValidators().config;
    expect(validate({ invariant: { forbidden_mcp: ['*notion*', 'slack'], counter: 'notion_offplan' } })).toBe(true);
    expect(validate({ invariant: { forbidden_mcp: ['no spaces'] } })).toBe(false);
    expect(validate({ invariant: { counter: 'mcp*' } })).toBe(false);
    expect(validate({ claude: { session_start_max_chars: 2000, transcripts_dir: '~/Dropbox/transcripts' } })).toBe(true);
    expect(validate({ claude: { session_start_max_chars: 10 } })).toBe(false);
    expect(validate({ claude: { other: 1 } })).toBe(false);
  });
});
