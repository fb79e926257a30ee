import { describe, expect, test } from '@jest/globals';
import { joinRepoPath, relativeHref, resolveHref, type SiteMap } from '../../tools/core/render-links.js';
import { renderMarkdown } from '../../tools/core/render-markdown.js';
import { isSitePath, parseManifest, planRender, serializeManifest, type RenderManifest } from '../../tools/core/render-plan.js';

const PAGES = new Map([
  ['docs/sessions/RT-1.md', 'docs/sessions/RT-1.html'],
  ['docs/sessions/RT-2.md', 'docs/sessions/RT-2.html'],
  ['workstreams/flip.md', 'workstreams/flip.html'],
  ['docs/sessions/INDEX.md', 'docs/sessions/INDEX.html'],
  ['docs/sessions/a b#c.md', 'docs/sessions/a b#c.html'],
]);
const IDS = new Map([
  ['RT-1', 'docs/sessions/RT-1.md'],
  ['WS-flip', 'workstreams/flip.md'],
  ['flip', 'workstreams/flip.md'],
]);
const site = (pages = PAGES): SiteMap => ({
  pageFor: (rel) => pages.get(rel) ?? null,
  noteById: (id) => IDS.get(id) ?? null,
  indexOfFolder: (folder) => (folder === 'docs/sessions' ? 'docs/sessions/INDEX.md' : folder === 'workstreams' ? 'workstreams/INDEX.md' : null),
  // (workstreams/INDEX.md has no page here: a folder link to it is then not a link)
});
const ctx = { fromRel: 'docs/sessions/RT-2.md', fromPage: 'docs/sessions/RT-2.html', site: site() };
const html = (md: string) => renderMarkdown(md, ctx).html;

describe('render-links', () => {
  test('repository paths join and never climb out', () => {
    expect(joinRepoPath('docs/sessions', '../adr/0001-x.md')).toBe('docs/adr/0001-x.md');
    expect(joinRepoPath('docs/sessions', '/workstreams/flip.md')).toBe('workstreams/flip.md');
    expect(joinRepoPath('docs', '../../etc/passwd')).toBeNull();
  });

  test('hrefs between pages are relative and percent-encoded per segment', () => {
    expect(relativeHref('docs/sessions/RT-2.html', 'workstreams/flip.html')).toBe('../../workstreams/flip.html');
    expect(relativeHref('index.html', 'docs/sessions/a b#c.html')).toBe('docs/sessions/a%20b%23c.html');
    expect(resolveHref('a%20b%23c.md', ctx.fromRel, ctx.fromPage, ctx.site)).toMatchObject({ kind: 'page', href: 'a%20b%23c.html' });
  });

  test('what a link is: page, anchor, external, missing note, outside the site', () => {
    const r = (href: string) => resolveHref(href, ctx.fromRel, ctx.fromPage, ctx.site);
    expect(r('RT-1.md#resume-prompt')).toEqual({
      kind: 'page',
      href: 'RT-1.html#resume-prompt',
      dep: 'path:docs/sessions/RT-1.md',
      target: 'docs/sessions/RT-1.md',
    });
    expect(r('./')).toMatchObject({ kind: 'page', href: 'INDEX.html', dep: 'folder:docs/sessions' });
    expect(r('../../workstreams/')).toEqual({ kind: 'outside', target: 'workstreams' });
    expect(r('#summary')).toEqual({ kind: 'anchor', href: '#summary' });
    expect(r('https://example.com/x.md')).toEqual({ kind: 'external', href: 'https://example.com/x.md' });
    expect(r('RT-9.md')).toEqual({ kind: 'missing', target: 'docs/sessions/RT-9.md', dep: 'path:docs/sessions/RT-9.md' });
    expect(r('../../README.md')).toEqual({ kind: 'outside', target: 'README.md' });
    expect(r('../../../../etc/passwd')).toEqual({ kind: 'outside', target: '../../../../etc/passwd' });
  });
});

describe('render-markdown', () => {
  test('wikilinks resolve by id, slug or external id, with text and heading; unknown ids are plain text', () => {
    expect(html('[[RT-1]] [[flip|the flip]] [[WS-flip#Session Log]] [[nope]]')).toBe(
      '<p><a href="RT-1.html">RT-1</a> <a href="../../workstreams/flip.html">the flip</a> ' +
        '<a href="../../workstreams/flip.html#session-log">WS-flip › Session Log</a> ' +
        '<span class="link-missing" title="nope: no such note in the store">nope</span></p>\n',
    );
    expect([...renderMarkdown('[[RT-1]] [[nope]]', ctx).deps].sort()).toEqual(['id:RT-1', 'id:nope']);
  });

  test('code spans, fences and link texts are never touched', () => {
    expect(html('`[[RT-1]]`\n\n```\n[[RT-1]](RT-1.md)\n```\n\n[see [[RT-1]]](RT-1.md)')).toBe(
      '<p><code>[[RT-1]]</code></p>\n<pre><code>[[RT-1]](RT-1.md)\n</code></pre>\n<p><a href="RT-1.html">see [[RT-1]]</a></p>\n',
    );
  });

  test('raw HTML is text, script URLs are not links, remote images are links, not loads', () => {
    expect(html('<img src=x onerror=alert(1)> <script>x</script>')).toBe('<p>&lt;img src=x onerror=alert(1)&gt; &lt;script&gt;x&lt;/script&gt;</p>\n');
    expect(html('[x](javascript:alert(1)) [y](vbscript:x) [z](data:text/html,x)')).not.toContain('href');
    expect(html('![chart "q"](https://example.com/c.png)')).toBe(
      '<p><a class="image-link external" href="https://example.com/c.png">chart &quot;q&quot;</a></p>\n',
    );
    expect(html('![local](pic.png)')).toBe('<p><span class="image-outside" title="image docs/sessions/pic.png is not part of the site">local</span></p>\n');
  });

  test('heading ids are GitHub slugs, deduplicated; the Resume Prompt section is wrapped up to the next heading of its level', () => {
    const out = renderMarkdown('## Summary\n\nx\n\n## Résumé: *Prompt* `a`\n\n## Resume Prompt\n\np\n\n### Detail\n\nd\n\n## Summary\n\nz\n', ctx);
    expect(out.headings).toEqual(['summary', 'résumé-prompt-a', 'resume-prompt', 'detail', 'summary-1']);
    expect(out.html).toContain(
      '<section class="resume-prompt" aria-labelledby="resume-prompt">\n<h2 id="resume-prompt">Resume Prompt</h2>\n<p>p</p>\n<h3 id="detail">Detail</h3>\n<p>d</p>\n</section>\n<h2 id="summary-1">',
    );
  });

  test('task lists get disabled checkboxes; tables scroll in their own box', () => {
    expect(html('- [ ] a\n- [x] b\n')).toBe(
      '<ul>\n<li class="task"><input type="checkbox" disabled> a</li>\n<li class="task"><input type="checkbox" disabled checked> b</li>\n</ul>\n',
    );
    expect(html('| a |\n| - |\n| 1 |\n')).toMatch(/^<div class="table-wrap"><table>\n[\s\S]*<\/table><\/div>\n$/);
  });
});

describe('render-plan', () => {
  const manifest = (pages: RenderManifest['pages']): RenderManifest => ({ format: 1, render: 1, key: 'k', sources: {}, pages });

  test('a page is rendered again when its source, its file, the key or a dependency changes; vanished pages are removed', () => {
    const previous = manifest({
      'a.html': ['a.md', 's1', ['path:docs/sessions/RT-1.md', 'docs/sessions/RT-1.html']],
      'b.html': ['b.md', 's2', ['path:docs/sessions/RT-9.md', null]],
      'c.html': ['c.md', 's3', []],
      'gone.html': ['gone.md', 's4', []],
    });
    const pages = [
      { page: 'a.html', source: 'a.md', sha: 's1' },
      { page: 'b.html', source: 'b.md', sha: 's2' },
      { page: 'c.html', source: 'c.md', sha: 's3' },
    ];
    const base = { previous, key: 'k', force: false, pages, site: site(), missingFiles: new Set<string>() };
    const names = (plan: ReturnType<typeof planRender>) => ({ render: plan.render.map((p) => p.page), remove: plan.remove });
    expect(names(planRender(base))).toEqual({ render: [], remove: ['gone.html'] });
    expect(names(planRender({ ...base, site: site(new Map([...PAGES, ['docs/sessions/RT-9.md', 'docs/sessions/RT-9.html']])) }))).toMatchObject({
      render: ['b.html'],
    });
    expect(names(planRender({ ...base, site: site(new Map([...PAGES].filter(([k]) => k !== 'docs/sessions/RT-1.md'))) }))).toMatchObject({
      render: ['a.html'],
    });
    expect(names(planRender({ ...base, pages: [{ ...pages[0]!, sha: 'new' }, ...pages.slice(1)] }))).toMatchObject({ render: ['a.html'] });
    expect(names(planRender({ ...base, missingFiles: new Set(['c.html']) }))).toMatchObject({ render: ['c.html'] });
    expect(names(planRender({ ...base, key: 'other' })).render).toHaveLength(3);
    expect(names(planRender({ ...base, force: true })).render).toHaveLength(3);
    expect(names(planRender({ ...base, previous: null }))).toEqual({ render: ['a.html', 'b.html', 'c.html'], remove: [] });
  });

  test('the manifest round-trips; anything else reads as no manifest', () => {
    const m = manifest({ 'a.html': ['a.md', 's', ['id:x', null]] });
    m.sources['a.md'] = [10, 123.5, 'sha', '', ['LRN-a', 'a'], '["t","p","","",""]', null];
    expect(parseManifest(serializeManifest(m))).toEqual(m);
    for (const bad of [
      null,
      '',
      '{',
      '[]',
      '{"format":2}',
      JSON.stringify({ ...m, pages: { 'a.html': { source: 'a.md' } } }),
      JSON.stringify({ ...m, sources: { x: [1] } }),
    ]) {
      expect(parseManifest(bad)).toBeNull();
    }
  });

  test('only relative .html/.css paths inside the site are ever touched', () => {
    for (const ok of ['index.html', 'docs/sessions/RT-1.html', 'assets/canon.css', 'a/..b.html']) expect([ok, isSitePath(ok)]).toEqual([ok, true]);
    for (const bad of ['../x.html', 'a/../../x.html', '/etc/x.html', 'a//b.html', './a.html', 'a\\b.html', 'x.md', '.canon-render.json', 'a\0.html']) {
      expect([bad, isSitePath(bad)]).toEqual([bad, false]);
    }
  });
});
