import GithubSlugger, { slug } from 'github-slugger';
import MarkdownIt, { type MarkdownIt as Md, type MarkdownItOptions as Options, type Renderer, type StateCore, type Token } from 'markdown-it';
import { resolveHref, resolveWikilink, type LinkTarget, type SiteMap } from './render-links.js';

/**
 * A note body as HTML for the site. markdown-it, not micromark (ADR-0019): the site's budget is
 * 10,000 notes in 10 s, and micromark with GFM costs ~15× more per note here.
 *
 * What a note cannot do: inject HTML (raw HTML is shown as text, `html: false`), run script URLs
 * (markdown-it's validateLink drops `javascript:`, `vbscript:`, `file:` and non-image `data:`),
 * or make the browser fetch anything (an image on the network becomes a link to it).
 */
export interface RenderedMarkdown {
  html: string;
  /** Dependency keys (see render-links): the page is rendered again when what one resolves to changes. */
  deps: Set<string>;
  /** Heading ids in document order, GitHub-compatible (`## Resume Prompt` → `resume-prompt`). */
  headings: string[];
}

export interface MarkdownContext {
  /** Repository path of the note (`docs/sessions/X.md`): relative links are read from its folder. */
  fromRel: string;
  /** Its page in the site (`docs/sessions/X.html`). */
  fromPage: string;
  site: SiteMap;
}

interface Env {
  [key: string | symbol]: unknown;
  ctx: MarkdownContext;
  deps: Set<string>;
  headings: string[];
}

/** The section the site highlights (docs/contract.md §3.5: every session ends with one). */
export const RESUME_PROMPT_ID = 'resume-prompt';

/** `[[id]]`, `[[id#Heading]]`, `[[id|text]]`, `[[id#Heading|text]]`. */
const WIKILINK = /\[\[([^[\]|#\n]+)(#[^[\]|\n]*)?(?:\|([^[\]\n]+))?\]\]/g;

let instance: Md | null = null;

function markdown(): Md {
  if (instance) return instance;
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: false });
  // Only links with a scheme are linkified: skip linkify-it's pretest, whose fuzzy-host pattern it
  // runs whatever the settings, on text that cannot hold one (a fifth of a cold render otherwise).
  const pretest = md.linkify.pretest.bind(md.linkify);
  md.linkify.pretest = (text: string) => (text.includes('//') || text.includes('mailto:')) && pretest(text);
  md.core.ruler.push('canon_wikilinks', wikilinks);
  md.core.ruler.push('canon_links', links);
  md.core.ruler.push('canon_tasks', taskItems);
  md.core.ruler.push('canon_headings', headings);
  md.renderer.rules.image = renderImage;
  md.renderer.rules.table_open = () => '<div class="table-wrap"><table>\n';
  md.renderer.rules.table_close = () => '</table></div>\n';
  instance = md;
  return md;
}

function envOf(state: StateCore): Env {
  return state.env as unknown as Env;
}

/** Replace wikilinks in text (never in code spans, fences or inside another link) with links or plain text. */
function wikilinks(state: StateCore): void {
  const env = envOf(state);
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children || !block.content.includes('[[')) continue;
    const out: Token[] = [];
    let inLink = 0;
    for (const token of block.children) {
      if (token.type === 'link_open') inLink++;
      if (token.type === 'link_close') inLink--;
      if (token.type !== 'text' || inLink > 0 || !token.content.includes('[[')) {
        out.push(token);
        continue;
      }
      let last = 0;
      for (const match of token.content.matchAll(WIKILINK)) {
        const at = match.index;
        if (at > last) out.push(textToken(state, token.content.slice(last, at)));
        const id = match[1]!.trim();
        const heading = match[2] ? match[2].slice(1).trim() : '';
        const anchor = heading === '' ? '' : `#${slug(heading)}`;
        const label = match[3]?.trim() || (heading ? `${id} › ${heading}` : id);
        const target = resolveWikilink(id, anchor, env.ctx.fromPage, env.ctx.site);
        if (target.kind === 'page' || target.kind === 'missing') env.deps.add(target.dep);
        out.push(...linkTokens(state, target, label));
        last = at + match[0].length;
      }
      if (last < token.content.length) out.push(textToken(state, token.content.slice(last)));
    }
    block.children = out;
  }
}

function textToken(state: StateCore, content: string): Token {
  const token = new state.Token('text', '', 0);
  token.content = content;
  return token;
}

function linkTokens(state: StateCore, target: LinkTarget, label: string): Token[] {
  const open = new state.Token('link_open', 'a', 1);
  const close = new state.Token('link_close', 'a', -1);
  open.meta = { canon: true }; // already resolved: the links rule leaves it alone
  if (target.kind === 'page') open.attrs = [['href', target.href]];
  else markUnlinked(open, close, target);
  return [open, textToken(state, label), close];
}

/** A link the site cannot follow stays readable as text, with a note saying why. */
function markUnlinked(open: Token, close: Token, target: LinkTarget): void {
  open.tag = 'span';
  close.tag = 'span';
  if (target.kind === 'missing')
    open.attrs = [
      ['class', 'link-missing'],
      ['title', `${target.target}: no such note in the store`],
    ];
  else if (target.kind === 'outside')
    open.attrs = [
      ['class', 'link-outside'],
      ['title', `${target.target} is not part of the site`],
    ];
}

/** Relative links to notes and INDEX files become links to their pages. */
function links(state: StateCore): void {
  const env = envOf(state);
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue;
    let open: Token | null = null;
    for (const token of block.children) {
      if (token.type === 'link_open') {
        const href = token.attrGet('href');
        if (typeof href !== 'string' || token.meta?.canon) continue;
        const target = resolveHref(href, env.ctx.fromRel, env.ctx.fromPage, env.ctx.site);
        if (target.kind === 'page') {
          env.deps.add(target.dep);
          token.attrSet('href', target.href);
        } else if (target.kind === 'external' && token.markup !== 'linkify') token.attrJoin('class', 'external');
        else if (target.kind === 'missing' || target.kind === 'outside') {
          if (target.kind === 'missing') env.deps.add(target.dep);
          open = token;
          const close = new state.Token('link_close', 'span', -1);
          markUnlinked(token, close, target);
        }
      } else if (token.type === 'link_close' && open) {
        token.tag = 'span';
        open = null;
      }
    }
  }
}

/** GFM task list items: `- [ ] x` / `- [x] x` get a (disabled) checkbox. */
function taskItems(state: StateCore): void {
  const tokens = state.tokens;
  for (let i = 2; i < tokens.length; i++) {
    const inline = tokens[i]!;
    if (inline.type !== 'inline' || tokens[i - 1]!.type !== 'paragraph_open' || tokens[i - 2]!.type !== 'list_item_open') continue;
    const first = inline.children?.[0];
    const match = first?.type === 'text' ? /^\[([ xX])\]\s+/.exec(first.content) : null;
    if (!first || !match) continue;
    first.content = first.content.slice(match[0].length);
    const box = new state.Token('html_inline', '', 0);
    box.content = `<input type="checkbox" disabled${match[1] === ' ' ? '' : ' checked'}> `;
    inline.children!.unshift(box);
    tokens[i - 2]!.attrJoin('class', 'task');
  }
}

function inlineText(token: Token | undefined): string {
  let text = '';
  for (const child of token?.children ?? []) {
    if (child.type === 'text' || child.type === 'code_inline') text += child.content;
  }
  return text;
}

/** Heading ids as GitHub makes them (so `#resume-prompt` links work), and the Resume Prompt as a section. */
function headings(state: StateCore): void {
  const env = envOf(state);
  const slugger = new GithubSlugger();
  const tokens = state.tokens;
  let resumeAt = -1;
  let resumeLevel = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type !== 'heading_open') continue;
    const id = slugger.slug(inlineText(tokens[i + 1]));
    token.attrSet('id', id);
    env.headings.push(id);
    if (resumeAt === -1 && id === RESUME_PROMPT_ID && token.level === 0) {
      resumeAt = i;
      resumeLevel = Number(token.tag.slice(1));
    }
  }
  if (resumeAt === -1) return;
  let end = tokens.length;
  for (let i = resumeAt + 1; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type === 'heading_open' && token.level === 0 && Number(token.tag.slice(1)) <= resumeLevel) {
      end = i;
      break;
    }
  }
  const html = (content: string) => {
    const token = new state.Token('html_block', '', 0);
    token.content = content;
    return token;
  };
  tokens.splice(end, 0, html('</section>\n'));
  tokens.splice(resumeAt, 0, html(`<section class="resume-prompt" aria-labelledby="${RESUME_PROMPT_ID}">\n`));
}

/** Images never load from the network: a remote image is a link to it; a repository image is named, not shown. */
function renderImage(tokens: Token[], idx: number, options: Options, rawEnv: unknown, self: Renderer): string {
  const env = rawEnv as Env;
  const token = tokens[idx]!;
  const src = String(token.attrGet('src') ?? '');
  const alt = self.renderInlineAsText(token.children ?? [], options, env);
  const escape = escapeHtml;
  if (/^data:image\//i.test(src)) return self.renderToken(tokens, idx, options);
  const target = resolveHref(src, env.ctx.fromRel, env.ctx.fromPage, env.ctx.site);
  const label = escape(alt || src);
  if (target.kind === 'external') return `<a class="image-link external" href="${escape(src)}">${label}</a>`;
  if (target.kind === 'page') return `<a class="image-link" href="${escape(target.href)}">${label}</a>`;
  const where = target.kind === 'anchor' ? src : target.target;
  return `<span class="image-outside" title="${escape(`image ${where} is not part of the site`)}">${label}</span>`;
}

/** Render a note body (the markdown after the frontmatter). Pure: same input, same bytes. */
export function renderMarkdown(body: string, ctx: MarkdownContext): RenderedMarkdown {
  const env: Env = { ctx, deps: new Set(), headings: [] };
  const html = markdown().render(body, env);
  return { html, deps: env.deps, headings: env.headings };
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
