import { describe, expect, test } from '@jest/globals';
import matter from 'gray-matter';
import { NoteSyntaxError, splitFrontmatter } from '../../tools/core/frontmatter.js';

// canon split notes with gray-matter until ADR-0033; its own split must answer exactly as that did.
// The reference below is the gray-matter code canon ran, verbatim.
function rejectEngine(language: string) {
  return {
    parse(): never {
      throw new NoteSyntaxError(
        `front matter language "${language}" is not allowed: canon reads YAML front matter only and never evaluates code`,
        'frontmatter/engine',
      );
    },
    stringify(): never {
      throw new NoteSyntaxError(`front matter language "${language}" is not allowed`, 'frontmatter/engine');
    },
  };
}

/** Split a file into raw YAML and body with gray-matter; its code engines are replaced so nothing is ever evaluated. */
function grayMatterSplit(text: string): { raw: string; body: string; hasFrontmatter: boolean } {
  if (!/^---[^\n]*\n/.test(text) && text !== '---') return { raw: '', body: text, hasFrontmatter: false };
  let raw = '';
  let language = 'yaml';
  let file: matter.GrayMatterFile<string>;
  try {
    // gray-matter caches results per input unless given options; an options object on every call
    // keeps each parse independent (SPEC §14).
    file = matter(text, {
      language: 'yaml',
      delimiters: '---',
      excerpt: false,
      engines: {
        yaml: {
          parse: (source: string) => {
            raw = source;
            return {};
          },
          stringify: () => '',
        },
        js: rejectEngine('js'),
        javascript: rejectEngine('javascript'),
        coffee: rejectEngine('coffee'),
        coffeescript: rejectEngine('coffeescript'),
      },
    } as unknown as Parameters<typeof matter>[1]);
    language = (file as unknown as { language?: string }).language ?? 'yaml';
  } catch (error) {
    if (error instanceof NoteSyntaxError) throw error;
    const lang = /^---\s*([^\s\n]+)/.exec(text)?.[1] ?? 'unknown';
    throw new NoteSyntaxError(
      `front matter language "${lang}" is not allowed: canon reads YAML front matter only`,
      'frontmatter/engine',
    );
  }
  if (language !== 'yaml') {
    throw new NoteSyntaxError(`front matter language "${language}" is not allowed`, 'frontmatter/engine');
  }
  // gray-matter hands the engine the text between the delimiter lines, starting with the newline
  // that ends the opening line. Its closing-delimiter search also accepts `----`; canon does not.
  const yaml = raw.startsWith('\n') ? raw.slice(1) : raw;
  const openingLength = text.indexOf('\n') + 1;
  const closing = openingLength + yaml.length + (yaml.length > 0 ? 1 : 0);
  const closingLine = text.slice(closing, text.indexOf('\n', closing) === -1 ? undefined : text.indexOf('\n', closing));
  if (closingLine.trimEnd() !== '---') {
    const line = text.slice(0, Math.min(closing, text.length)).split('\n').length;
    throw new NoteSyntaxError('front matter is not closed by a `---` line', 'frontmatter/unclosed', line, 1);
  }
  // The body starts after the closing line's newline. gray-matter's `content` would keep the rest of
  // a closing line such as `--- ` (trailing blanks), adding a line to the body on every rewrite.
  const bodyStart = closing + closingLine.length + 1;
  return { raw: yaml.length > 0 ? `${yaml}\n` : '', body: bodyStart > text.length ? '' : text.slice(bodyStart), hasFrontmatter: true };
}

type Outcome = { raw: string; body: string; hasFrontmatter: boolean } | { error: string; rule: string; line: number };

function outcome(split: (text: string) => { raw: string; body: string; hasFrontmatter: boolean }, text: string): Outcome {
  try {
    return split(text);
  } catch (error) {
    if (!(error instanceof NoteSyntaxError)) throw error;
    return { error: error.message, rule: error.rule, line: error.line };
  }
}

const OPENINGS = ['---', '--- ', '---  ', '----', '---yaml', '---YAML', '---yml', '--- yaml ', '---json', '---JSON', '---js', '---JS', '---javascript',
  '---coffee', '---cson', '---CoffeeScript', '---coffeescript', '---toml', '--- # c', '---toString', '---constructor', '---__proto__',
  '---__defineGetter__', '---hasOwnProperty', '---valueOf', '---a b'];
const BLOCKS = ['', 'title: x', '# only a comment', '  # indented comment\n', 'a: 1\nb: [x, y]', '{"a": 1}', '{bad json', 'x = 1',
  'globalThis.__canonEvaluated = true', 'a: 1\n# c\nb: 2', '\n\n', 'a: |\n  ---\n  x'];
const CLOSINGS = ['---', '--- ', '----', '---\nmore', '', '-- -', '---js'];
const BODIES = ['', 'body\n', '\n## Summary\n\nDone.\n', '---\nlater rule\n'];

describe('canon\'s front matter split answers as gray-matter did', () => {
  const texts = new Set<string>(['', '---', '----', '---\n', '--\n---\n', 'no front matter\n---\n', '---\n---', '---\n---\n', '---\n----\n']);
  for (const open of OPENINGS) for (const block of BLOCKS) for (const close of CLOSINGS) for (const body of BODIES) {
    texts.add(`${open}\n${block}${block === '' ? '' : '\n'}${close}${close === '' ? '' : '\n'}${body}`);
  }
  test(`${texts.size} shapes of opening, block, closing and body`, () => {
    (globalThis as Record<string, unknown>).__canonEvaluated = false;
    const differ: string[] = [];
    for (const text of texts) {
      const ours = outcome(splitFrontmatter, text);
      const theirs = outcome(grayMatterSplit, text);
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) differ.push(`${JSON.stringify(text)}\n  ours:   ${JSON.stringify(ours)}\n  theirs: ${JSON.stringify(theirs)}`);
    }
    expect(differ.slice(0, 5)).toEqual([]);
    expect((globalThis as Record<string, unknown>).__canonEvaluated).toBe(false);
  });
});
