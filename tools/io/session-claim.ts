import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { formatClaimOwner } from '../core/claim-owner.js';
import type { CanonConfig } from '../core/config.js';
import { isClaimStub, parseNote } from '../core/frontmatter.js';
import { trimSlashes } from '../core/layout.js';
import { formatLocalDate, formatSessionId, idPrefix, isFileProviderPath, MAX_SEQUENCE, parseDate, planCandidates } from '../core/session-id.js';
import { UsageError, UserError } from '../errors.js';
import { sessionMessages } from '../messages/session.js';
import { execGit, splitNul } from './git.js';
import { CLAIM_TEMP_PREFIX, sweepDeadTemps } from './temp-sweep.js';

export interface ClaimOptions {
  operator: { slug: string; initials: string };
  /** YYYY-MM-DD; default: today in the operator's local time (`env.TZ`). */
  date?: string;
  now: Date;
  env: NodeJS.ProcessEnv;
  /**
   * The stub names this process (`claimed_by`, ADR-0025): a handoff, which writes its note over the
   * stub before it exits. Not for `canon session claim`, whose stub outlives the command on purpose.
   */
  owned?: boolean;
  /** The session folder's names, when the caller has just read them (only a speed-up: a taken id is still refused by link(2)). */
  listed?: readonly string[];
}

export interface Claim {
  id: string;
  /** Repository-relative, forward slashes. */
  path: string;
  /** The operator's slug. */
  operator: string;
  warnings: string[];
}

/** The claim stub of docs/contract.md §3.3, with its owning process when it has one (ADR-0025). */
function renderClaimStub(slug: string, now: Date, owner?: string): string {
  return `---\nclaimed_at: ${now.toISOString().replace(/\.\d{3}Z$/, 'Z')}\noperator: ${slug}\nkind: session\n${owner === undefined ? '' : `claimed_by: ${owner}\n`}---\n`;
}

/**
 * Claim the lowest free `<INITIALS>-YYMMDD-NN` and write its stub. The stub is written to a private
 * temp file first and hard-linked to its final name: link(2) fails with EEXIST when the name exists,
 * so two processes can never get one id, and nobody ever sees a half-written stub. Where hard links
 * are not supported the claim falls back to open(O_CREAT|O_EXCL). Ids already on the upstream
 * remote-tracking branch are skipped (read from git, no network).
 */
export async function claimSessionId(root: string, config: CanonConfig, options: ClaimOptions): Promise<Claim> {
  const { operator, now, env } = options;
  const date = options.date === undefined ? formatLocalDate(now, env.TZ, process.env.TZ) : parseDate(options.date);
  if (date === null) throw new UsageError(sessionMessages.claim.badDate(options.date ?? ''));
  const folderRel = trimSlashes(config.folders.session);
  const folder = path.join(root, folderRel);
  const warnings = isFileProviderPath(root) ? [sessionMessages.claim.fileProvider(root)] : [];

  const prefix = idPrefix(operator.initials, date);
  const taken = new Set(
    [...(await listUpstreamSessionIds(root, folderRel, env)), ...listLocalIds(folder, options.listed)].filter((id) => id.startsWith(prefix)),
  );
  const stub = renderClaimStub(operator.slug, now, options.owned ? formatClaimOwner(process.pid, hostname()) : undefined);

  const fail = (error: unknown): never => {
    throw new UserError(sessionMessages.claim.cannotWrite(folderRel, describe(error)), { hint: sessionMessages.claim.cannotWriteHint, cause: error });
  };
  const temp = path.join(folder, `${CLAIM_TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  try {
    mkdirSync(folder, { recursive: true });
    sweepDeadTemps(folder, CLAIM_TEMP_PREFIX, Date.now(), options.listed);
    writeFileSync(temp, stub, { flag: 'wx' });
  } catch (error) {
    // A full disk fails the write after the create: the empty temp file goes too.
    removeQuietly(temp);
    fail(error);
  }
  try {
    let useLink = true;
    for (const id of planCandidates(operator.initials, date, taken)) {
      const target = path.join(folder, `${id}.md`);
      try {
        if (useLink) linkSync(temp, target);
        else createExclusive(target, stub);
        return { id, path: `${folderRel}/${id}.md`, operator: operator.slug, warnings };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        if (useLink && (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EMLINK' || code === 'EXDEV')) {
          useLink = false;
          try {
            createExclusive(target, stub);
            return { id, path: `${folderRel}/${id}.md`, operator: operator.slug, warnings };
          } catch (retry) {
            if ((retry as NodeJS.ErrnoException).code === 'EEXIST') continue;
            fail(retry);
          }
        }
        fail(error);
      }
    }
  } finally {
    // A leftover of a killed claim is swept by the next claim (its pid is gone) and by `session gc`.
    removeQuietly(temp);
  }
  throw new UserError(
    sessionMessages.claim.full(operator.initials, date, formatSessionId(operator.initials, date, 1), formatSessionId(operator.initials, date, MAX_SEQUENCE)),
    { hint: sessionMessages.claim.fullHint },
  );
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // never created, or already gone
  }
}

function createExclusive(target: string, text: string): void {
  const fd = openSync(target, 'wx');
  try {
    writeSync(fd, text);
  } catch (error) {
    // Half a stub is no claim: nobody else can have written to the file this process just created.
    closeSync(fd);
    removeQuietly(target);
    throw error;
  }
  closeSync(fd);
}

/**
 * Remove the session file of `id` only if it still holds nothing but a claim stub (a handoff that
 * gave up). Returns whether it removed it. Only the claimant writes over its own stub, so the read
 * and the unlink cannot race with anyone who matters.
 */
export function releaseClaim(root: string, id: string, config?: CanonConfig): boolean {
  const folder = trimSlashes(config?.folders.session ?? 'docs/sessions');
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(id) || id.includes('..')) return false;
  const file = path.join(root, folder, `${id}.md`);
  try {
    if (!isClaimStub(parseNote(readFileSync(file, 'utf8')))) return false;
    unlinkSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Session ids (file stems) present in the working tree's session folder. */
function listLocalIds(folder: string, listed?: readonly string[]): string[] {
  try {
    return (listed ?? readdirSync(folder)).filter((name) => name.endsWith('.md')).map((name) => name.slice(0, -3));
  } catch {
    return [];
  }
}

/**
 * Session ids on the current branch's upstream (`@{upstream}`, a remote-tracking ref). No upstream,
 * a detached HEAD or an unborn branch: none.
 *
 *     git ls-tree -z --name-only @{upstream} -- docs/sessions/
 *     docs/sessions/RT-260511-01.md\0docs/sessions/INDEX.md\0
 */
async function listUpstreamSessionIds(root: string, folderRel: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const result = await execGit(['ls-tree', '-z', '--name-only', '@{upstream}', '--', `${folderRel}/`], { cwd: root, env });
  if (result.code !== 0) return [];
  return splitNul(result.stdout)
    .map((p) => p.slice(p.lastIndexOf('/') + 1))
    .filter((name) => name.endsWith('.md'))
    .map((name) => name.slice(0, -3));
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'EROFS') return 'the file system is read-only';
  if (e.code === 'ENOSPC') return 'the disk is full';
  if (e.code === 'ENOTDIR') return 'a file is in the way of the folder';
  return e.message ?? String(error);
}
