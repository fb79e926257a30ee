import path from 'node:path';
import { UserError } from '../errors.js';
import { backfillMessages as m } from '../messages/backfill.js';
import { acquireLock, LockHeldError, type Lock } from './lock.js';

export const BACKFILL_LOCK = 'BACKFILL_LOCK';

/**
 * Take `BACKFILL_LOCK` at the repository root: a live holder refuses the run, a dead one's lock is
 * broken with a notice, and Ctrl-C or a kill releases it. A lock from another host (a shared folder)
 * cannot be checked and is respected.
 */
export function acquireBackfillLock(root: string, now: Date, notice: (text: string) => void): Lock {
  try {
    return acquireLock(path.join(root, BACKFILL_LOCK), {
      now: () => now,
      staleMs: Number.POSITIVE_INFINITY,
      releaseOnSignals: true,
      onStale: (owner) => notice(m.lock.stale(owner?.pid ?? 0)),
    });
  } catch (error) {
    if (!(error instanceof LockHeldError)) throw error;
    const hint = m.lock.heldHint;
    throw new UserError(error.owner ? m.lock.held(error.owner.pid, error.owner.since) : m.lock.starting, { hint });
  }
}
