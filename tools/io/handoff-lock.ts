import path from 'node:path';
import { UserError } from '../errors.js';
import { handoffQueueMessages as m } from '../messages/handoff-queue.js';
import { LockTimeoutError, parseLockOwner, readLockFile, waitForLock, type HeldLock, type LockOwner } from './lock.js';
import { STATE_DIR } from './telemetry.js';
import { cannotWriteError } from './writable.js';

export const HANDOFF_LOCK = `${STATE_DIR}/handoff.lock`;
/**
 * A handoff holds the lock from writing its note to its commit: seconds, hooks included. The lease is
 * renewed every 15 s while it works, so only a killed or frozen handoff loses it after a minute; a
 * killed one loses it at once (its pid is gone).
 */
const LEASE_MS = 60_000;
/** Ten handoffs queued behind one another take well under a minute; ten minutes means something is stuck. */
const WAIT_MS = 10 * 60_000;

function describe(owner: LockOwner | null): string {
  return owner ? `pid ${owner.pid} on ${owner.host}, since ${owner.since}` : 'a handoff starting';
}

/** Queue behind the other handoffs of this clone (docs/contract.md §6 steps 4–6 run one at a time per clone). */
export async function lockHandoffs(root: string, say: (text: string) => void): Promise<HeldLock> {
  const file = path.join(root, HANDOFF_LOCK);
  try {
    return await waitForLock(file, {
      staleMs: LEASE_MS,
      timeoutMs: WAIT_MS,
      releaseOnSignals: true,
      onWait: (owner) => say(m.waiting(describe(owner))),
      onStale: (owner) => {
        if (owner) say(m.staleLock(owner.pid));
      },
    });
  } catch (error) {
    // A state folder that turned unwritable or full since the handoff checked it: one line, not a stack.
    if (typeof (error as NodeJS.ErrnoException).code === 'string') throw cannotWriteError(STATE_DIR, error);
    if (!(error instanceof LockTimeoutError)) throw error;
    const seen = readLockFile(file);
    throw new UserError(m.timeout(WAIT_MS / 60_000, describe(seen ? parseLockOwner(seen.text) : null)), { hint: m.timeoutHint });
  }
}
