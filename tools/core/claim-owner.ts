// Who claimed a session id (ADR-0025). A handoff's claim stub names its process, so that a stub left
// by a killed handoff can be told from one whose handoff is still writing:
//
//     ---
//     claimed_at: 2026-05-11T09:30:00Z
//     operator: roman
//     kind: session
//     claimed_by: 4242@dev-1
//     ---
//
// A pid means something only on the machine that wrote it: a stub from another host (a shared folder,
// a stub someone committed) is judged by its age alone.

export interface ClaimOwner {
  pid: number;
  host: string;
}

/** Hostnames become a plain YAML scalar: anything but letters, digits, `.`, `_`, `-` turns into `-`. */
export function formatClaimOwner(pid: number, host: string): string {
  return `${pid}@${sanitizeHost(host)}`;
}

function sanitizeHost(host: string): string {
  return host.replace(/[^A-Za-z0-9._-]/g, '-') || 'unknown';
}

/** `4242@dev-1` → { pid: 4242, host: 'dev-1' }; anything else: null (an owner nobody can check). */
export function parseClaimOwner(value: unknown): ClaimOwner | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{1,10})@([A-Za-z0-9._-]+)$/.exec(value);
  if (!match) return null;
  const pid = Number(match[1]);
  return pid > 0 ? { pid, host: match[2]! } : null;
}

/**
 * What becomes of a stub: `live` (its process still runs here: never touched), `dead` (its process
 * on this machine is gone: removable at once), `unknown` (no owner, or another host's: by age only).
 */
export type ClaimOwnerState = 'live' | 'dead' | 'unknown';

export function judgeClaimOwner(owner: ClaimOwner | null, here: { host: string; isAlive: (pid: number) => boolean }): ClaimOwnerState {
  if (owner === null || owner.host !== sanitizeHost(here.host)) return 'unknown';
  return here.isAlive(owner.pid) ? 'live' : 'dead';
}
