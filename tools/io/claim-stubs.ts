// The claim stubs in the working tree and whose they are (ADR-0025). A handoff killed between its
// claim and its note leaves a stub naming a process that no longer runs; such a stub is removed by the
// next handoff, named by `canon doctor` and removed at once by `canon session gc`. A stub whose owner
// still runs is never touched; one without an owner, or from another host, is judged by its age.
import { hostname } from 'node:os';
import { linkSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { judgeClaimOwner, parseClaimOwner, type ClaimOwner, type ClaimOwnerState } from '../core/claim-owner.js';
import type { CanonConfig } from '../core/config.js';
import { isClaimStub, parseNote } from '../core/frontmatter.js';
import { trimSlashes } from '../core/layout.js';
import { execGit, splitNul } from './git.js';
import { isAlive } from './lock.js';

export interface ClaimStubFile {
  /** Repository-relative, forward slashes. */
  rel: string;
  /** The stub's bytes as read: it is removed only while it still holds exactly these. */
  text: string;
  /** When it was claimed (`claimed_at`, else the file's mtime). */
  claimedMs: number;
  owner: ClaimOwner | null;
  state: ClaimOwnerState;
}

/** A stub is about 100 bytes; a file much larger holds more than a stub and is never read here. */
const STUB_MAX_BYTES = 1024;

/**
 * Every claim stub in the session folder (its top level, where ids are claimed), with its owner's
 * state; with `names`, only among those file names (each stat is a cost in a 10,000-note folder).
 */
export function listClaimStubs(root: string, config: CanonConfig, names?: readonly string[]): ClaimStubFile[] {
  const folderRel = trimSlashes(config.folders.session);
  const folder = path.join(root, folderRel);
  let candidates: readonly string[];
  if (names !== undefined) candidates = names.filter((n) => n.endsWith('.md') && !n.includes('/'));
  else {
    try {
      candidates = readdirSync(folder).filter((n) => n.endsWith('.md'));
    } catch {
      return [];
    }
  }
  const here = { host: hostname(), isAlive };
  const out: ClaimStubFile[] = [];
  for (const name of candidates) {
    const file = path.join(folder, name);
    let text: string;
    let mtimeMs: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile() || stat.size > STUB_MAX_BYTES) continue;
      mtimeMs = stat.mtimeMs;
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    let note;
    try {
      note = parseNote(text);
    } catch {
      continue;
    }
    if (!note.hasFrontmatter || !isClaimStub(note)) continue;
    const claimed = Date.parse(String(note.data.claimed_at));
    const owner = parseClaimOwner(note.data.claimed_by);
    out.push({ rel: `${folderRel}/${name}`, text, claimedMs: Number.isNaN(claimed) ? mtimeMs : claimed, owner, state: judgeClaimOwner(owner, here) });
  }
  return out;
}

/** The claim stubs among these repository-relative paths (e.g. the dirty ones): only those are read. */
export function claimStubsAmong(root: string, config: CanonConfig, rels: readonly string[]): ClaimStubFile[] {
  const prefix = `${trimSlashes(config.folders.session)}/`;
  const names = rels.filter((rel) => rel.startsWith(prefix)).map((rel) => rel.slice(prefix.length));
  return names.length === 0 ? [] : listClaimStubs(root, config, names);
}

/**
 * Remove the stub if it still holds exactly what was judged. It is moved aside first and put back when
 * what was moved is not that stub (its id was freed and claimed again in between): a live claim is
 * never removed. Returns whether it removed it.
 */
export function removeClaimStub(root: string, stub: Pick<ClaimStubFile, 'rel' | 'text'>): boolean {
  const file = path.join(root, stub.rel);
  const grave = path.join(path.dirname(file), `.claim-${process.pid}-${Math.random().toString(16).slice(2, 14)}.tmp`);
  try {
    renameSync(file, grave);
  } catch {
    return false; // gone already
  }
  let same = false;
  try {
    same = readFileSync(grave, 'utf8') === stub.text;
    if (!same) {
      try {
        linkSync(grave, file);
      } catch {
        // A newer claim of that id exists: the one moved aside was claimed after it and is lost with it.
      }
    }
  } finally {
    try {
      unlinkSync(grave);
    } catch {
      // already gone
    }
  }
  return same;
}

/**
 * The stubs whose handoff is gone (its process on this machine no longer runs) that git does not
 * track. A stub someone committed is the team's to remove (a commit), not a leftover: so only the
 * files git lists as untracked are read, which spares a stat of every note of a large store.
 */
export async function listDeadClaims(root: string, config: CanonConfig, env: NodeJS.ProcessEnv): Promise<ClaimStubFile[]> {
  const folderRel = trimSlashes(config.folders.session);
  const untracked = await execGit(['ls-files', '--others', '-z', '--', `${folderRel === '' ? '.' : folderRel}/`], { cwd: root, env });
  if (untracked.code === 0) {
    const prefix = folderRel === '' ? '' : `${folderRel}/`;
    const names = splitNul(untracked.stdout)
      .filter((rel) => rel.startsWith(prefix))
      .map((rel) => rel.slice(prefix.length));
    return listClaimStubs(root, config, names).filter((s) => s.state === 'dead');
  }
  const dead = listClaimStubs(root, config).filter((s) => s.state === 'dead');
  if (dead.length === 0) return dead;
  const tracked = await execGit(['ls-files', '-z', '--', ...dead.map((s) => s.rel)], { cwd: root, env });
  const inGit = new Set(tracked.code === 0 ? splitNul(tracked.stdout) : []);
  return dead.filter((s) => !inGit.has(s.rel));
}

/** Remove the stubs of handoffs that are gone; returns the paths removed. */
export async function removeDeadClaims(root: string, config: CanonConfig, env: NodeJS.ProcessEnv): Promise<string[]> {
  return (await listDeadClaims(root, config, env)).filter((s) => removeClaimStub(root, s)).map((s) => s.rel);
}
