import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { SentMarkdown } from '../engine.js';
import { writeFileSafely } from '../../io/fs.js';

/**
 * What canon last sent as a page's markdown body, kept in `.claude/state/sync-sent/<page id>.json`
 * (git-ignored), with the page's markdown as Notion answered it after the write when that differs
 * (`rendered`; Notion normalises: tables gain attributes, blocks are re-spaced), so the next update
 * is planned as an edit Notion can apply, without parsing the old version again (ADR-0036). Only a
 * hint: a miss (a fresh clone, CI) re-renders the synced version from git, and a page edited in
 * Notion since then is put right by one replace_content.
 *
 *     {"hash":"sha256:…","dialect":"v2","markdown":"## Summary\n\n…","rendered":"## Summary\n\n…"}
 */
export type { SentMarkdown };

const DIR = '.claude/state/sync-sent';

function fileOf(root: string, pageId: string): string | null {
  return /^[0-9a-f-]{32,36}$/i.test(pageId) ? path.join(root, DIR, `${pageId}.json`) : null;
}

export function readSentMarkdown(root: string, pageId: string): SentMarkdown | null {
  const file = fileOf(root, pageId);
  if (!file) return null;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<SentMarkdown>;
    const valid =
      typeof value.hash === 'string' &&
      typeof value.dialect === 'string' &&
      typeof value.markdown === 'string' &&
      (value.rendered === undefined || typeof value.rendered === 'string');
    return valid ? (value as SentMarkdown) : null;
  } catch {
    return null;
  }
}

export async function writeSentMarkdown(root: string, pageId: string, sent: SentMarkdown | null): Promise<void> {
  const file = fileOf(root, pageId);
  if (!file) return;
  try {
    if (sent) await writeFileSafely(file, JSON.stringify(sent));
    else rmSync(file, { force: true });
  } catch {
    // A cache that cannot be written only costs a re-render next time.
  }
}
