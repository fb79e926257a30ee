import type { ErrorObject } from 'ajv';

export interface SchemaIssue {
  /** JSON pointer of the offending key (for `required`, the missing key itself). */
  pointer: string;
  message: string;
  rule: string;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  null: 'null',
};

/**
 * Rewrite raw ajv errors into sentences (commitlint's habit): one issue per offending key, the
 * most specific first. Errors from `anyOf` branches collapse into one sentence for the key.
 */
export function formatSchemaErrors(errors: readonly ErrorObject[]): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  const anyOfPointers = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  for (const error of errors) {
    const pointer =
      error.keyword === 'required'
        ? `${error.instancePath}/${String((error.params as { missingProperty: string }).missingProperty)}`
        : error.keyword === 'additionalProperties'
          ? `${error.instancePath}/${String((error.params as { additionalProperty: string }).additionalProperty)}`
          : error.instancePath;
    if (error.keyword !== 'anyOf' && anyOfPointers.has(error.instancePath)) continue;
    if (seen.has(pointer)) continue;
    seen.add(pointer);
    issues.push({ pointer, message: sentence(error), rule: `schema/${error.keyword}` });
  }
  return issues;
}

function sentence(error: ErrorObject): string {
  const hint = (error.parentSchema as { description?: string } | undefined)?.description;
  const got = error.data === undefined ? '' : ` (got ${describe(error.data)})`;
  switch (error.keyword) {
    case 'required':
      return 'is required but missing';
    case 'type': {
      const types = ([] as string[]).concat((error.params as { type: string | string[] }).type);
      return `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}${got}`;
    }
    case 'enum':
      return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}${got}`;
    case 'const':
      return `must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}${got}`;
    case 'pattern':
    case 'format':
      return `must be ${hint ?? (error.keyword === 'format' ? `a valid ${(error.params as { format: string }).format}` : `text matching ${(error.params as { pattern: string }).pattern}`)}${got}`;
    case 'uniqueItems': {
      const { i, j } = error.params as { i: number; j: number };
      return `must not repeat items (items ${j} and ${i} are the same)`;
    }
    case 'minimum':
      return `must be at least ${(error.params as { limit: number }).limit}${got}`;
    case 'minLength':
      return `must not be empty`;
    case 'maxLength':
      return `must be at most ${(error.params as { limit: number }).limit} characters`;
    case 'minItems':
      return `must have at least ${(error.params as { limit: number }).limit} item(s)`;
    case 'additionalProperties':
      return 'is not a known key here';
    case 'anyOf':
      return `must be ${hint ?? describeAnyOf(error)}${got}`;
    default:
      return error.message ?? 'is invalid';
  }
}

function describeAnyOf(error: ErrorObject): string {
  const branches = ((error.schema as Array<{ type?: string; description?: string; $ref?: string }>) ?? []).map(
    (b) => b.description ?? (b.type ? (TYPE_NAMES[b.type] ?? b.type) : b.$ref ? refName(b.$ref) : 'valid'),
  );
  return branches.join(' or ');
}

function refName(ref: string): string {
  const name = ref.split('/').pop() ?? ref;
  const known: Record<string, string> = {
    slug: 'a kebab-case slug',
    externalId: 'a note id',
    date: 'a date written YYYY-MM-DD',
  };
  return known[name] ?? name;
}
