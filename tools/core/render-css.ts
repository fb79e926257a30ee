import { RENDER_MARKER } from './render-page.js';

/**
 * The site's one stylesheet: system fonts, readable on a phone (one column, tables and code scroll
 * sideways instead of widening the page), light and dark, and the Resume Prompt set apart.
 */
export const SITE_CSS = `/* ${RENDER_MARKER.replace(/^<!-- | -->$/g, '')} */
:root {
  color-scheme: light dark;
  --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --line: #d1d9e0; --soft: #f6f8fa;
  --link: #0969da; --accent: #8250df; --accent-bg: #fbefff; --missing: #cf222e;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --line: #3d444d; --soft: #151b23;
    --link: #4493f8; --accent: #ab7df8; --accent-bg: #221a33; --missing: #ff7b72;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  overflow-wrap: anywhere;
}
a { color: var(--link); }
code, pre { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
code { background: var(--soft); padding: 0.1em 0.3em; border-radius: 4px; }
pre { background: var(--soft); padding: 0.8rem 1rem; border-radius: 6px; overflow-x: auto; overflow-wrap: normal; }
pre code { background: none; padding: 0; }
.site-header { border-bottom: 1px solid var(--line); background: var(--soft); }
.site-nav { max-width: 48rem; margin: 0 auto; padding: 0.5rem 1rem; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
.site-nav a { text-decoration: none; font-weight: 600; padding: 0.25rem 0; }
.site-nav a[aria-current="page"] { color: var(--fg); border-bottom: 2px solid var(--accent); }
main { max-width: 48rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.25rem 0 0.75rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid var(--line); padding-bottom: 0.2rem; margin-top: 1.8rem; }
h3 { font-size: 1.1rem; }
.crumbs { margin: 0; color: var(--muted); font-size: 0.9rem; }
.summary { font-size: 1.05rem; color: var(--muted); margin-top: 0; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); gap: 0.5rem 1rem; margin: 0 0 1rem; padding: 0.75rem; border: 1px solid var(--line); border-radius: 6px; }
.facts div { min-width: 0; }
.facts dt { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
.facts dd { margin: 0; }
.tag { display: inline-block; background: var(--soft); border: 1px solid var(--line); border-radius: 999px; padding: 0 0.5rem; font-size: 0.85rem; }
.status { font-weight: 600; }
.resume-prompt { border-left: 4px solid var(--accent); background: var(--accent-bg); border-radius: 0 6px 6px 0; padding: 0.25rem 1rem 0.5rem; margin: 1.5rem 0; }
.resume-prompt h1, .resume-prompt h2, .resume-prompt h3 { border-bottom: none; color: var(--accent); margin-top: 0.75rem; }
.table-wrap { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
th, td { border: 1px solid var(--line); padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }
th { background: var(--soft); }
td:first-child { white-space: nowrap; }
blockquote { margin: 1rem 0; padding: 0 1rem; color: var(--muted); border-left: 4px solid var(--line); }
li.task { list-style: none; }
li.task input { margin: 0 0.4rem 0 -1.3rem; }
.link-missing { color: var(--missing); text-decoration: underline dotted; cursor: help; }
.link-outside, .image-outside { text-decoration: underline dotted; cursor: help; }
.site-footer { max-width: 48rem; margin: 2rem auto 0; padding: 1rem; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.85rem; }
@media (max-width: 30rem) {
  body { font-size: 17px; }
  main { padding: 0.75rem; }
  h1 { font-size: 1.4rem; }
  td:first-child { white-space: normal; }
}
`;
