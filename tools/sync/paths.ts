/**
 * POSIX path arithmetic for repository paths (`docs/sessions/a.md`), without node:path: the sync
 * core runs in the Workers runtime too. Same results as path.posix for the relative paths of a tree.
 */
export function dirname(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash < 0 ? '.' : slash === 0 ? '/' : file.slice(0, slash);
}

/** path.posix.normalize(path.posix.join(a, b)) for relative repository paths. */
export function joinNormalize(base: string, relative: string): string {
  const absolute = base.startsWith('/');
  const parts: string[] = [];
  for (const part of `${base}/${relative}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!absolute) parts.push('..');
      continue;
    }
    parts.push(part);
  }
  const joined = parts.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}
