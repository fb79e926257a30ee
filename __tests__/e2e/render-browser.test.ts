import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chromium, type BrowserContext } from 'playwright-core';
import { CANON_ROOT, runCli, type GitRepo } from '../helpers/git-repo.js';
import { createRenderStore } from '../helpers/render-store.js';

/**
 * The rendered site in a real headless browser (Debian's chromium): served from 127.0.0.1, every
 * link followed, no console error, no request leaves the loopback server. A screenshot of a note
 * page is kept as the test's artefact in <tmpdir>/canon-render-artefacts/ (one file, replaced on each
 * run, kept after it); CANON_UPDATE_SCREENSHOT=1 also writes the README's docs/images/render-note.png.
 */
const ARTEFACTS = path.join(os.tmpdir(), 'canon-render-artefacts');
const CHROMIUM = process.env.CANON_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) process.stderr.write(`render browser test skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)\n`);
const suite = hasChromium ? describe : describe.skip;

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** A static file server for the site folder on 127.0.0.1, with a log of every path asked for. */
function serve(root: string, log: string[]): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    log.push(url.pathname);
    const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.join(root, rel);
    if (!file.startsWith(root + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

suite('canon render in a headless browser', () => {
  let repo: GitRepo;
  let server: Server;
  let context: BrowserContext;
  let base: string;
  let temp: string;
  const served: string[] = [];
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    repo = createRenderStore();
    const r = runCli(['render'], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(0);
    server = await serve(path.join(repo.dir, 'site'), served);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    temp = mkdtempSync(path.join(os.tmpdir(), 'canon-render-browser-'));
    context = await chromium.launchPersistentContext(path.join(temp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 900, height: 1100 },
    });
    context.on('request', (request) => requests.push(request.url()));
    context.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    context.on('weberror', (error) => consoleErrors.push(String(error.error())));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => server?.close(resolve));
    repo?.cleanup();
    if (temp) rmSync(temp, { recursive: true, force: true });
  });

  test('every page loads and every link resolves, following them from the home page', async () => {
    const page = await context.newPage();
    const seen = new Set<string>();
    // docs/INDEX.html (the repository's map of content) is where notes link with ../INDEX.md; the home page is its twin.
    const queue = [`${base}/index.html`, `${base}/docs/INDEX.html`];
    while (queue.length > 0) {
      const url = queue.shift()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const response = await page.goto(url);
      expect([url, response?.status()]).toEqual([url, 200]);
      const hrefs = await Promise.all((await page.locator('a[href]').all()).map((a) => a.evaluate((el) => (el as unknown as { href: string }).href)));
      for (const href of hrefs) {
        const target = new URL(href);
        if (target.origin !== base) continue;
        if (target.hash) {
          // An anchor names an element on the page it points to.
          await page.goto(target.href);
          expect([href, await page.locator(`[id="${decodeURIComponent(target.hash.slice(1))}"]`).count()]).toEqual([href, 1]);
          await page.goto(url);
        }
        target.hash = '';
        queue.push(target.href);
      }
    }
    // The whole site was reached: 14 pages.
    expect(seen.size).toBe(14);
    expect(consoleErrors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(`${base}/`))).toEqual([]);
    expect(served.filter((p) => p.endsWith('.css'))).toContain('/assets/canon.css');
    await page.close();
  }, 120_000);

  test('a note page: the Resume Prompt stands out, no script runs, and it reads on a phone', async () => {
    const page = await context.newPage();
    await page.goto(`${base}/docs/sessions/RT-260511-02.html`);
    expect(await page.title()).toBe('Hook hardening, one bundle · RT-260511-02');
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    const section = page.locator('section.resume-prompt');
    expect(await section.count()).toBe(1);
    // (Browser-side code as strings: the tests are type-checked without the DOM library.)
    const style = await page.evaluate<{ border: string; background: string }>(
      `(() => { const s = getComputedStyle(document.querySelector('section.resume-prompt')); return { border: s.borderLeftWidth, background: s.backgroundColor }; })()`,
    );
    expect(style.border).toBe('4px');
    expect(style.background).not.toBe('rgba(0, 0, 0, 0)');
    // Follow a link between notes, with its anchor.
    await page.click('text=the spike');
    expect(page.url()).toBe(`${base}/docs/sessions/RT-260511-01.html#resume-prompt`);

    // A phone: no sideways scrolling of the page itself (tables and code scroll inside their boxes).
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${base}/docs/sessions/RT-260511-02.html`);
    const widths = await page.evaluate<{ scroll: number; client: number }>(
      '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
    );
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);

    await page.setViewportSize({ width: 900, height: 1100 });
    await page.goto(`${base}/docs/sessions/RT-260511-02.html`);
    mkdirSync(ARTEFACTS, { recursive: true });
    const shot = path.join(ARTEFACTS, 'render-note.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    if (process.env.CANON_UPDATE_SCREENSHOT === '1') {
      mkdirSync(path.join(CANON_ROOT, 'docs/images'), { recursive: true });
      copyFileSync(shot, path.join(CANON_ROOT, 'docs/images/render-note.png'));
    }
    expect(consoleErrors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(`${base}/`))).toEqual([]);
    await page.close();
  }, 60_000);
});
