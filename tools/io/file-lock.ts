// The telemetry hook's import path for canon's one lock (tools/io/lock.ts): the names the hook bundle
// and tools/io/telemetry.ts use, kept so that code needs no change. Built-ins only, like lock.ts.
export { acquireLockSync, breakLock, isAlive, LockTimeoutError, readLockFile, sleepSync, withLockSync } from './lock.js';
export type { HeldLock, LockOptions, Seen } from './lock.js';
