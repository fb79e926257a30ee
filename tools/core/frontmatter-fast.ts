/**
 * A fast path for the frontmatter canon itself writes: one `key: value` per line, where a value is a
 * plain, single- or double-quoted scalar on that line, a flow list of plain scalars (`[a, b]`), an
 * empty flow mapping (`{}`), or a one-level block mapping / list of such scalars on the following
 * indented lines:
 *
 *     title: "Hook hardening"
 *     tags: [hooks, telemetry]
 *     tool_calls_breakdown:
 *       Bash: 12
 *
 * Anything else — comments, block scalars, anchors, tags, flow mappings, multi-line values, duplicate
 * keys — returns null and the caller uses the full YAML parser. Scalars resolve exactly as the YAML
 * 1.2 core schema does; a differential test holds this module to the `yaml` package's answers.
 */
export interface FastEntry {
  key: string;
  /** 0-based line index within the YAML text where the key starts. */
  line: number;
  /** Offsets of the entry's text within the YAML text. */
  start: number;
  end: number;
}

export interface FastResult {
  data: Record<string, unknown>;
  entries: FastEntry[];
}

const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_.-]*):(?: (.*))?$/;
const NESTED_PAIR = /^ {2}([A-Za-z_][A-Za-z0-9_.-]*):(?: (.*))?$/;
const NESTED_ITEM = /^ {2}- (.*)$/;
const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const JSON_STRING = /^"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"$/;

const FAIL = Symbol('fail');
type Scalar = string | number | boolean | null | typeof FAIL;

/** Resolve a plain scalar by the core schema; FAIL for anything the fast path does not handle. */
function plain(text: string): Scalar {
  const s = text.trimEnd();
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (s === 'true' || s === 'True' || s === 'TRUE') return true;
  if (s === 'false' || s === 'False' || s === 'FALSE') return false;
  // Indicators that start something the fast path leaves to the full parser.
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s) && !/^-[0-9.]/.test(s)) return FAIL;
  if (s.includes(' #') || s.includes(': ') || s.endsWith(':') || s.includes('\t')) return FAIL;
  if (INT.test(s)) return safeNumber(Number.parseInt(s, 10), s);
  if (/^0o[0-7]+$/.test(s)) return safeNumber(Number.parseInt(s.slice(2), 8), s);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return safeNumber(Number.parseInt(s.slice(2), 16), s);
  if (FLOAT.test(s)) return Number.parseFloat(s);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s) || /^\.(nan|NaN|NAN)$/.test(s)) return FAIL;
  return s;
}

function safeNumber(n: number, source: string): Scalar {
  // Beyond 2^53 the yaml package may return a BigInt-ish string form; leave those to it.
  return Number.isSafeInteger(n) ? n : source.length > 0 ? FAIL : FAIL;
}

function scalar(text: string): Scalar {
  const s = text.trimEnd();
  if (s.startsWith('"')) return JSON_STRING.test(s) ? (JSON.parse(s) as string) : FAIL;
  if (s.startsWith("'")) {
    if (s.length < 2 || !s.endsWith("'")) return FAIL;
    const inner = s.slice(1, -1);
    if (/'(?!')/.test(inner.replace(/''/g, ''))) return FAIL;
    return inner.replace(/''/g, "'");
  }
  if (s.startsWith('[')) return FAIL;
  return plain(s);
}

function flowList(text: string): unknown[] | typeof FAIL {
  const s = text.trimEnd();
  if (!s.startsWith('[') || !s.endsWith(']')) return FAIL;
  const inner = s.slice(1, -1).trim();
  if (inner === '') return [];
  if (/[[\]{}"'#&*!|>]/.test(inner)) return FAIL;
  const items: unknown[] = [];
  for (const part of inner.split(',')) {
    const item = part.trim();
    if (item === '') return FAIL;
    const value = plain(item);
    if (value === FAIL || value === null) return FAIL;
    items.push(value);
  }
  return items;
}

export function parseFrontmatterFast(raw: string): FastResult | null {
  if (raw.includes('\r') || raw.includes('\t')) return null;
  const lines = raw.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const data: Record<string, unknown> = {};
  const entries: FastEntry[] = [];
  let offset = 0;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const match = KEY_LINE.exec(line);
    if (!match) return null;
    const key = match[1]!;
    if (Object.prototype.hasOwnProperty.call(data, key) || key === '__proto__') return null;
    const start = offset;
    const rest = match[2];
    offset += line.length + 1;
    const startLine = i;
    i++;
    let value: unknown;
    if (rest === undefined || rest.trim() === '') {
      // `key:` alone: null, or a one-level block mapping / list on the indented lines that follow.
      const nested: string[] = [];
      while (i < lines.length && lines[i]!.startsWith('  ')) nested.push(lines[i++]!);
      if (nested.length === 0) value = null;
      else if (nested.every((l) => NESTED_ITEM.test(l))) {
        const items = nested.map((l) => scalar(NESTED_ITEM.exec(l)![1]!));
        if (items.includes(FAIL)) return null;
        value = items;
      } else {
        const map: Record<string, unknown> = {};
        for (const l of nested) {
          const m = NESTED_PAIR.exec(l);
          if (!m || m[2] === undefined || Object.prototype.hasOwnProperty.call(map, m[1]!) || m[1] === '__proto__') return null;
          const v = scalar(m[2]);
          if (v === FAIL) return null;
          map[m[1]!] = v;
        }
        value = map;
      }
      for (const l of nested) offset += l.length + 1;
    } else if (rest.trimEnd() === '{}') {
      // An empty flow mapping, as canon writes a breakdown with nothing in it.
      value = {};
    } else if (rest.startsWith('[')) {
      value = flowList(rest);
      if (value === FAIL) return null;
    } else {
      value = scalar(rest);
      if (value === FAIL) return null;
    }
    data[key] = value;
    entries.push({ key, line: startLine, start, end: offset });
  }
  return { data, entries };
}
