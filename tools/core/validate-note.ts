import type { ValidateFunction } from 'ajv';
import type { NoteKind } from './config.js';
import { computeContentHash } from './content-hash.js';
import { isClaimStub, type Note } from './frontmatter.js';
import { externalIdFor } from './layout.js';
import type { OperatorRegistry } from './operators.js';
import { formatSchemaErrors } from './schema-errors.js';
import { findTextControls } from './text-controls.js';

export type Severity = 'error' | 'warning';

export interface Issue {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  pointer: string;
  message: string;
  rule: string;
}

export interface NoteRef {
  /** Repository-relative path, forward slashes. */
  rel: string;
  kind: NoteKind;
  stem: string;
}

export interface ValidationContext {
  validators: Record<NoteKind, ValidateFunction>;
  operators: OperatorRegistry | null;
  workstreamExists(slug: string): boolean;
  forbiddenMcp: readonly string[];
  strict: boolean;
}

/** The rules for one note, each small and independent; cross-file rules live in findDuplicateIds. */
export function validateNote(ref: NoteRef, note: Note, ctx: ValidationContext): Issue[] {
  // Characters a terminal acts on are refused anywhere in the file, front matter or not (ADR-0023).
  const issues: Issue[] = findTextControls(ref.rel, note);
  const add = (severity: Severity, pointer: string, message: string, rule: string) => {
    const { line, column } = note.locate(pointer);
    issues.push({ file: ref.rel, line, column, severity, pointer, message, rule });
  };
  if (!note.hasFrontmatter) {
    issues.push({ file: ref.rel, line: 1, column: 1, severity: 'error', pointer: '', message: missingFrontmatter(ref.kind), rule: 'frontmatter/missing' });
    return issues;
  }
  const data = note.data;
  if (ref.kind === 'session' && isClaimStub(note)) {
    checkPerson(data, 'operator', ctx, add);
    return issues;
  }

  const validate = ctx.validators[ref.kind];
  if (!validate(data)) {
    for (const issue of formatSchemaErrors(validate.errors ?? [])) add('error', issue.pointer, issue.message, issue.rule);
  }

  const expected = externalIdFor(ref.kind, ref.stem);
  if (expected === null) {
    add(
      'error',
      '/external_id',
      `cannot be derived from the file name "${ref.stem}.md": ADR files are named NNNN-<slug>.md (\`canon backfill\` proposes the rename)`,
      'id/filename',
    );
  } else if (typeof data.external_id === 'string' && data.external_id !== expected) {
    add('error', '/external_id', `is "${data.external_id}" but the file name says "${expected}"`, 'id/filename');
  }

  checkPerson(data, ref.kind === 'session' ? 'operator' : 'owner', ctx, add);

  if (typeof data.workstream === 'string' && ref.kind !== 'workstream' && !ctx.workstreamExists(data.workstream)) {
    add('warning', '/workstream', `names workstream "${data.workstream}", which has no file in the store`, 'workstream/unknown');
  }

  if (ctx.strict) {
    const hash = computeContentHash(data, note.body);
    if (data.content_hash === undefined) add('error', '/content_hash', 'is missing (run `canon normalize`)', 'hash/missing');
    else if (data.content_hash !== hash) add('error', '/content_hash', `is stale: the note hashes to ${hash} (run \`canon normalize\`)`, 'hash/stale');
  }

  const breakdown = data.tool_calls_breakdown;
  if (ref.kind === 'session' && breakdown !== null && typeof breakdown === 'object' && !Array.isArray(breakdown)) {
    for (const server of ctx.forbiddenMcp) {
      const key = `mcp__${server}`;
      const count = (breakdown as Record<string, unknown>)[key];
      if (count === undefined) {
        add('error', '/tool_calls_breakdown', `must contain the invariant key "${key}" (0 when the session never called it)`, 'invariant/missing-key');
      } else if (ctx.strict && typeof count === 'number' && count !== 0) {
        add(
          'warning',
          `/tool_calls_breakdown/${key}`,
          `is ${count}: this session called a forbidden MCP server ${count} time(s) (counted under "${key}")`,
          'invariant/forbidden-mcp',
        );
      }
    }
  }
  return issues;
}

/**
 * The sentence for a note without front matter. A team's ADRs written before canon (adr-tools,
 * MADR 2, log4brains) have none, and neither does a new one written from the team's old template:
 * backfill turns both into notes, so the sentence names it.
 */
function missingFrontmatter(kind: NoteKind): string {
  const what = kind === 'adr' ? 'an ADR in the adr-tools, MADR or log4brains format' : 'a note written without canon';
  return `has no front matter (a note starts with a \`---\` line); if this is ${what}, run \`canon backfill\` to add it (dry run; \`--apply\` commits)`;
}

function checkPerson(
  data: Record<string, unknown>,
  key: 'operator' | 'owner',
  ctx: ValidationContext,
  add: (severity: Severity, pointer: string, message: string, rule: string) => void,
): void {
  const value = data[key];
  if (ctx.operators && typeof value === 'string' && !ctx.operators.bySlug.has(value)) {
    add('error', `/${key}`, `is "${value}", which is not a slug in .claude/operators.yaml`, `${key}/unknown`);
  }
}

export interface IdOccurrence {
  rel: string;
  id: string;
  /** Resolved only when the id turns out to be a duplicate (finding a line costs a full YAML parse). */
  line: () => number;
}

/** external_id must be unique across the store (a stale clone or two ADRs numbered alike can collide). */
export function findDuplicateIds(occurrences: readonly IdOccurrence[]): Issue[] {
  const byId = new Map<string, IdOccurrence[]>();
  for (const occ of occurrences) {
    const list = byId.get(occ.id);
    if (list) list.push(occ);
    else byId.set(occ.id, [occ]);
  }
  const issues: Issue[] = [];
  for (const [id, list] of byId) {
    if (list.length < 2) continue;
    for (const occ of list) {
      const others = list
        .filter((o) => o !== occ)
        .map((o) => o.rel)
        .join(', ');
      issues.push({
        file: occ.rel,
        line: occ.line(),
        column: 1,
        severity: 'error',
        pointer: '/external_id',
        message: `"${id}" is also the id of ${others}`,
        rule: 'id/duplicate',
      });
    }
  }
  return issues;
}

export function compareIssues(a: Issue, b: Issue): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}
