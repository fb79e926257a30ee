import { posix } from 'node:path';
import { toKebab } from './kebab.js';
import { proseLines } from './markdown-lines.js';

/**
 * File names teams give their ADRs, and the `NNNN-<slug>` canon wants (docs/contract.md §2): adr-tools writes
 * `0001-use-postgres.md`, older setups `001-use-postgres.md`, some `adr-001-use-postgres.md` or
 * `0001_use_postgres.md`. The number is padded to four digits; the rest becomes a kebab-case slug
 * (the title's, when the name has none). Null when the name carries no number canon can keep.
 */
export function planAdrStem(stem: string, title: string | null): string | null {
  const match = /^(?:adr[-_ ]?)?(\d{1,4})(?:[-_ .]+(.*))?$/i.exec(stem);
  if (!match) return null;
  const slug = toKebab(match[2] ?? '') || toKebab(title ?? '');
  return slug === '' ? null : `${match[1]!.padStart(4, '0')}-${slug}`;
}

export interface LinkChange {
  from: string;
  to: string;
}

/**
 * Point relative links at renamed files: inline `[2. X](002-x.md#why)`, `(<./002-x.md>)` and
 * reference definitions `[x]: ../adr/002-x.md`. `renames` maps repository-relative paths (old →
 * new); `noteRel` is where the linking note lives. Only the file name in the link changes (a
 * rename never leaves its folder), fragments and the link's own style stay; fenced code and
 * URLs are left alone.
 */
export function rewriteLinks(body: string, noteRel: string, renames: ReadonlyMap<string, string>): { body: string; links: LinkChange[] } {
  if (renames.size === 0) return { body, links: [] };
  const dir = posix.dirname(noteRel);
  const lines = body.split('\n');
  const prose = proseLines(body);
  const links: LinkChange[] = [];
  const retarget = (target: string): string => {
    const cut = target.search(/[?#]/);
    const file = cut === -1 ? target : target.slice(0, cut);
    if (file === '' || file.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(file)) return target;
    const moved = renames.get(posix.normalize(posix.join(dir, file)));
    if (moved === undefined) return target;
    const slash = file.lastIndexOf('/');
    const next = `${file.slice(0, slash + 1)}${posix.basename(moved)}${cut === -1 ? '' : target.slice(cut)}`;
    links.push({ from: target, to: next });
    return next;
  };
  for (let i = 0; i < lines.length; i++) {
    if (prose[i] === '' || (!lines[i]!.includes('](') && !/^\s{0,3}\[[^\]]+\]:/.test(lines[i]!))) continue;
    lines[i] = lines[i]!.replace(/(\]\(\s*<?)([^)\s>]+)/g, (_, open: string, target: string) => open + retarget(target)).replace(
      /^(\s{0,3}\[[^\]]+\]:\s*<?)([^\s>]+)/,
      (_, open: string, target: string) => open + retarget(target),
    );
  }
  return { body: lines.join('\n'), links };
}
