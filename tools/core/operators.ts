import type { ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, visit, type Node } from 'yaml';
import { messages } from '../messages/index.js';
import { pointerToPath } from './frontmatter.js';
import { formatSchemaErrors } from './schema-errors.js';

export interface Operator {
  slug: string;
  initials: string;
  name: string | null;
  emails: string[];
}

export interface OperatorRegistry {
  operators: Operator[];
  bySlug: Map<string, Operator>;
  byInitials: Map<string, Operator>;
  byEmail: Map<string, Operator>;
}

/** YAML aliases beyond this many expansions are a resource-exhaustion attack (a "YAML bomb"). */
const MAX_ALIAS_COUNT = 100;

/** operators.yaml could not be used; `message` names file:line. */
export class OperatorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OperatorsError';
  }
}

/**
 * Parse `.claude/operators.yaml`:
 *
 *     operators:
 *       - slug: roman
 *         initials: RT
 *         emails: [roman@example.com]
 */
export function parseOperators(text: string, file: string, validate: ValidateFunction): OperatorRegistry {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text.replace(/\r\n?/g, '\n'), { schema: 'core', lineCounter, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const pos = lineCounter.linePos(error.pos[0]);
    const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new OperatorsError(messages.operators.invalidYaml(file, pos.line, pos.col, reason));
  }
  const lineOf = (pointer: string) => {
    const path = pointerToPath(pointer);
    for (let depth = path.length; depth >= 0; depth--) {
      const node = (depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true)) as Node | null | undefined;
      if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return 1;
  };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError) && !/alias/i.test(String(error))) throw error;
    // Point at the first alias: that is where the expansion starts.
    let line = 1;
    visit(doc, {
      Alias(_key, node) {
        if (node.range) line = lineCounter.linePos(node.range[0]).line;
        return visit.BREAK;
      },
    });
    throw new OperatorsError(messages.operators.aliasBomb(file, line, MAX_ALIAS_COUNT));
  }
  if (!validate(data)) {
    const issue = formatSchemaErrors(validate.errors ?? [])[0]!;
    throw new OperatorsError(messages.operators.invalid(file, lineOf(issue.pointer), issue.pointer, issue.message));
  }
  const operators = (data as { operators: Array<Omit<Operator, 'name'> & { name?: string }> }).operators.map((o) => ({
    slug: o.slug,
    initials: o.initials,
    name: o.name ?? null,
    emails: o.emails.map((e) => e.toLowerCase()),
  }));
  const registry: OperatorRegistry = { operators, bySlug: new Map(), byInitials: new Map(), byEmail: new Map() };
  operators.forEach((op, i) => {
    const unique = (map: Map<string, Operator>, key: string, field: string, pointer: string) => {
      if (map.has(key)) throw new OperatorsError(messages.operators.duplicate(file, lineOf(pointer), field, key));
      map.set(key, op);
    };
    unique(registry.bySlug, op.slug, 'slug', `/operators/${i}/slug`);
    unique(registry.byInitials, op.initials, 'initials', `/operators/${i}/initials`);
    op.emails.forEach((email, j) => unique(registry.byEmail, email, 'email', `/operators/${i}/emails/${j}`));
  });
  return registry;
}
