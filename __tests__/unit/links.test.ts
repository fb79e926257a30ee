import { describe, expect, test } from '@jest/globals';
import { DEFAULT_CONFIG } from '../../tools/core/config.js';
import {
  bodyLineOffset,
  brokenLinkIssues,
  candidatePaths,
  findLinks,
  indexNotePaths,
  linksTo,
  planLinks,
  resolveNoteName,
  resolvesExactly,
  retargetLinks,
} from '../../tools/core/links.js';

const table = indexNotePaths(
  [
    'docs/sessions/RT-260511-02.md',
    'docs/sessions/RT-260511-03.md',
    'docs/sessions/INDEX.md',
    'workstreams/repo-flip.md',
    'docs/plans/vault.md',
    'docs/adr/0003-use-postgres.md',
    'docs/learnings/git-hooks.md',
    'docs/learnings/vault.md',
  ],
  DEFAULT_CONFIG,
);
const plan = (body: string, noteRel = 'docs/adr/0003-use-postgres.md') => planLinks(body, { noteRel, table, lineOffset: 0 });

describe('wikilinks', () => {
  test("every form resolves to a relative markdown link from the note's own folder", () => {
    const body = [
      'See [[RT-260511-02]], [[RT-260511-02|the spike]] and [[RT-260511-02#Resume Prompt]].',
      'Work: [[repo-flip]], [[WS-repo-flip]], [[PLAN-vault]], [[ADR-3]], [[LRN-git-hooks]], [[#Decision]].',
      '',
    ].join('\n');
    const out = plan(body).body!;
    expect(out).toContain('[RT-260511-02](../sessions/RT-260511-02.md)');
    expect(out).toContain('[the spike](../sessions/RT-260511-02.md)');
    expect(out).toContain('[RT-260511-02 > Resume Prompt](../sessions/RT-260511-02.md#resume-prompt)');
    expect(out).toContain('[repo-flip](../../workstreams/repo-flip.md)');
    expect(out).toContain('[WS-repo-flip](../../workstreams/repo-flip.md)');
    expect(out).toContain('[PLAN-vault](../plans/vault.md)');
    expect(out).toContain('[ADR-3](0003-use-postgres.md)');
    expect(out).toContain('[LRN-git-hooks](../learnings/git-hooks.md)');
    expect(out).toContain('[Decision](#decision)');
    expect(plan(out).body).toBeNull(); // idempotent
  });

  test('an unknown name is an error at line:col with the nearest ids; an ambiguous stem names its notes', () => {
    const result = plan('---\n\nText ü 🙂 [[RT-260511-05]]\n\nand [[vault]]\n');
    expect(result.issues).toEqual([
      expect.objectContaining({
        line: 3,
        column: 10,
        severity: 'error',
        rule: 'link/unknown',
        message: expect.stringContaining('nearest: RT-260511-02, RT-260511-03'),
      }),
      expect.objectContaining({ line: 5, column: 5, rule: 'link/ambiguous', message: expect.stringContaining('PLAN-vault, LRN-vault') }),
    ]);
    expect(result.body).toBeNull();
  });

  test('code spans, fences, indented code and HTML are never touched; escaped brackets and embeds stay', () => {
    const body = [
      '`[[RT-260511-02]]`',
      '',
      '```',
      '[[RT-260511-02]]',
      '```',
      '',
      '    [[RT-260511-02]]',
      '',
      '<div>[[RT-260511-02]]</div>',
      '',
      '\\[[RT-260511-02]] ![[RT-260511-02]]',
      '',
    ].join('\n');
    expect(findLinks(body).wiki).toEqual([]);
    expect(plan(body).body).toBeNull();
  });

  test('inside a table the alias bar is \\| and a | in the text is escaped', () => {
    const body = '| a | b |\n| --- | --- |\n| [[RT-260511-02\\|the a|b spike]] | x |\n';
    const out = plan(body, 'docs/sessions/RT-260511-03.md').body!;
    expect(out).toContain('| [the a\\|b spike](RT-260511-02.md) | x |');
  });

  test('positions count file lines after the frontmatter, on CRLF files too', () => {
    const text = '---\r\ntitle: x\r\n---\r\nLine one\r\n[[nope]]\r\n';
    const body = 'Line one\n[[nope]]\n';
    expect(bodyLineOffset(text, body)).toBe(3);
    const issues = planLinks(body, { noteRel: 'docs/plans/vault.md', table, lineOffset: 3 }).issues;
    expect(issues[0]).toMatchObject({ line: 5, column: 1 });
  });

  test('names resolve by id, short ADR id, slug, path and case', () => {
    expect(resolveNoteName(table, 'docs/sessions/RT-260511-02.md')).toMatchObject({ ok: true, rel: 'docs/sessions/RT-260511-02.md' });
    expect(resolveNoteName(table, 'ws-repo-flip')).toMatchObject({ ok: true, rel: 'workstreams/repo-flip.md' });
    expect(resolveNoteName(table, 'ADR-0003')).toMatchObject({ ok: true, id: 'ADR-0003' });
    expect(resolveNoteName(table, 'INDEX')).toMatchObject({ ok: false, reason: 'unknown' });
  });
});

describe("the commit door's few-paths lookup", () => {
  test('an id or slug names the paths to look up; a partial table answers only what it answers exactly', () => {
    expect(candidatePaths('RT-260511-02', DEFAULT_CONFIG)).toEqual({ paths: ['docs/sessions/RT-260511-02.md', 'workstreams/RT-260511-02.md'], globs: [] });
    expect(candidatePaths('PLAN-vault', DEFAULT_CONFIG).paths).toContain('docs/plans/vault.md');
    expect(candidatePaths('WS-repo-flip', DEFAULT_CONFIG).paths).toContain('workstreams/repo-flip.md');
    expect(candidatePaths('LRN-git-hooks', DEFAULT_CONFIG).paths).toContain('docs/learnings/git-hooks.md');
    expect(candidatePaths('ADR-3', DEFAULT_CONFIG).globs).toEqual(['docs/adr/0003-*.md']);
    expect(candidatePaths('docs/x', DEFAULT_CONFIG)).toEqual({ paths: [], globs: [] });
    const partial = indexNotePaths(['docs/adr/0003-use-postgres.md', 'docs/plans/vault.md'], DEFAULT_CONFIG);
    expect(resolvesExactly(partial, 'ADR-3')).toBe(true);
    expect(resolvesExactly(partial, 'PLAN-vault')).toBe(true);
    expect(resolvesExactly(partial, 'vault')).toBe(false); // a stem: the whole table decides (LRN-vault exists too)
  });
});

describe('relative links', () => {
  test('broken targets and links out of the repository are warnings; URLs and anchors are not checked', () => {
    const body = '[a](../sessions/RT-260511-02.md#x) [b](missing.md) [c](https://x.y) [d](#top) [e](../../../../x.md)\n\n[ref]: <../plans/no such.md>\n';
    const { targets } = plan(body);
    const exists = (rel: string) => table.byPath.has(rel);
    const issues = brokenLinkIssues('docs/adr/0003-use-postgres.md', targets, exists);
    expect(issues.map((i) => [i.message, i.severity])).toEqual([
      ['link missing.md points at docs/adr/missing.md, which does not exist', 'warning'],
      ['link ../../../../x.md points outside the repository', 'warning'],
      ['link ../plans/no such.md points at docs/plans/no such.md, which does not exist', 'warning'],
    ]);
  });

  test('destinations are found in lists, quotes, nested brackets, titles, images and definitions; autolinks and reference uses are not files', () => {
    const body = [
      '- item [a [nested] text](one.md "a title")',
      '> quoted ![an image](img/x.png)',
      '',
      'Auto <https://example.com/x.md> and www.example.com and [a ref][r] and [paren](a_(b).md).',
      '',
      '[r]: two.md#frag',
      '',
    ].join('\n');
    const found = findLinks(body).markdown.map((l) => `${l.kind}:${l.url}`);
    expect(found).toEqual(['link:one.md', 'image:img/x.png', 'link:a_(b).md', 'definition:two.md#frag']);
    expect(plan(body, 'docs/plans/vault.md').targets.map((t) => t.rel)).toEqual([
      'docs/plans/one.md',
      'docs/plans/img/x.png',
      'docs/plans/a_(b).md',
      'docs/plans/two.md',
    ]);
  });

  test('a malformed percent escape does not throw', () => {
    expect(() => plan('[x](%zz.md)\n')).not.toThrow();
  });
});

describe('renames', () => {
  const rename = { fromRel: 'docs/sessions/RT-260511-02.md', toRel: 'docs/sessions/RT-260511-04.md', fromId: 'RT-260511-02', toId: 'RT-260511-04' };
  test('links, definitions and wikilinks follow; text that was the id follows; code and other links stay', () => {
    const body =
      '[RT-260511-02](../sessions/RT-260511-02.md#resume-prompt) [the spike](<../sessions/RT-260511-02.md>) `../sessions/RT-260511-02.md` [[RT-260511-02|x]] [[RT-260511-03]]\n\n[r]: ../sessions/RT-260511-02.md\n';
    const out = retargetLinks(body, 'docs/plans/vault.md', [rename]);
    expect(out.body).toBe(
      '[RT-260511-04](../sessions/RT-260511-04.md#resume-prompt) [the spike](<../sessions/RT-260511-04.md>) `../sessions/RT-260511-02.md` [[RT-260511-04|x]] [[RT-260511-03]]\n\n[r]: ../sessions/RT-260511-04.md\n',
    );
    expect(retargetLinks('nothing here\n', 'docs/plans/vault.md', [rename]).body).toBeNull();
  });

  test('backlinks: markdown links and wikilinks to a note', () => {
    const found = linksTo('[a](../sessions/RT-260511-02.md) and [[RT-260511-02]] and [[repo-flip]]\n', 'docs/plans/vault.md', table, 4);
    expect(found.map((f) => [f.rel, f.line, f.column])).toEqual([
      ['docs/sessions/RT-260511-02.md', 5, 1],
      ['docs/sessions/RT-260511-02.md', 5, 38],
      ['workstreams/repo-flip.md', 5, 59],
    ]);
  });
});

describe('the pre-check before the markdown parser loads', () => {
  test('links to URLs and anchors need no parse; wikilinks and relative links do', async () => {
    const { mayHoldLinks } = await import('../../tools/core/markdown-lines.js');
    expect(mayHoldLinks('See [the docs](https://example.com/x) and [above](#summary), mail [us](mailto:a@b.c).\n\n[ref]: https://example.com\n')).toBe(false);
    expect(mayHoldLinks('No links at all.\n')).toBe(false);
    expect(mayHoldLinks('See [[RT-260511-02]].\n')).toBe(true);
    expect(mayHoldLinks('See [the spike](../sessions/RT-260511-02.md).\n')).toBe(true);
    expect(mayHoldLinks('See [the spike](<../sessions/a b.md>).\n')).toBe(true);
    expect(mayHoldLinks('Text.\n\n[spike]: ../sessions/RT-260511-02.md\n')).toBe(true);
  });
});
