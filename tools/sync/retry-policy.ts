/**
 * canon's one retry policy for the two hosts sync talks to (ADR-0035): Notion (`canon sync` and the
 * Worker, through the Notion adapter) and GitHub (the Worker's REST client). Pure: time and
 * randomness come in as functions, so tests decide both and nothing really waits.
 *
 * - 5xx, 409 and network errors: a short exponential backoff with jitter, a few times.
 * - 429, Notion's 529 (service_overload) and GitHub's reached rate limit: the server's wait
 *   (Retry-After, or GitHub's x-ratelimit-reset when x-ratelimit-remaining is 0) when it asks for one,
 *   honoured up to a cap; a longer wait is not waited: the request gives up, the run ends and releases
 *   its lock, and the next run (tick) continues.
 * - GitHub's x-ratelimit-reset is on every response it sends; it is read only when the limit is
 *   actually reached, never for a 5xx (a 503 that waited for the hourly reset wedged the Worker).
 * - No wait ends past the run's deadline (its lease): a request that would gives up instead.
 */
export type FailureKind = 'rate_limited' | 'transient' | 'fatal';

/** A response header by name (case-insensitive), or null. */
export type HeaderLookup = (name: string) => string | null;

export interface RetryOptions {
  /** The first backoff, before jitter (ms). */
  baseDelayMs?: number;
  /** No backoff is longer than this (ms). */
  maxDelayMs?: number;
  /** Tries of one request that fails transiently (the first one included). */
  maxAttempts?: number;
  /** Rate-limited answers one request rides out before it gives up. */
  maxRateLimited?: number;
  /** The longest server-asked wait (Retry-After, a rate-limit reset) that is waited (ms). */
  retryAfterCapMs?: number;
  /** [0, 1): the jitter. */
  random?: () => number;
  /** Epoch ms now. */
  clock?: () => number;
  /** Epoch ms no wait may end after (the run's lease), or null for none. */
  deadline?: () => number | null;
}

export interface RetryFailure {
  kind: Exclude<FailureKind, 'fatal'>;
  /** Failures of this kind so far for this request, this one included (1 = the first). */
  failures: number;
  /** What the server asked to wait (ms), when it did. */
  serverWaitMs?: number | null;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  /** The jittered backoff after the n-th transient failure (1-based). */
  backoff(failures: number): number;
  /** How long to wait before trying again, or why not to (give up: the failure stands). */
  next(failure: RetryFailure): Decision;
}

export type Decision = { waitMs: number; giveUp?: undefined } | { giveUp: string; waitMs?: undefined };

export const RETRY_DEFAULTS = {
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxAttempts: 6,
  maxRateLimited: 12,
  retryAfterCapMs: 60_000,
} as const;

export function createRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  const base = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const maxDelay = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const maxAttempts = options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts;
  const maxRateLimited = options.maxRateLimited ?? RETRY_DEFAULTS.maxRateLimited;
  const cap = options.retryAfterCapMs ?? RETRY_DEFAULTS.retryAfterCapMs;
  const random = options.random ?? Math.random;
  const clock = options.clock ?? Date.now;

  // "Equal jitter": half the step is kept, half is random, so retries of many clients spread out
  // without ever collapsing to an immediate repeat.
  const backoff = (failures: number) => Math.round(Math.min(maxDelay, base * 2 ** Math.max(0, failures - 1)) * (0.5 + random() / 2));

  return {
    maxAttempts,
    backoff,
    next({ kind, failures, serverWaitMs }) {
      const limit = kind === 'rate_limited' ? maxRateLimited : maxAttempts - 1;
      if (failures > limit) return { giveUp: `gave up after ${failures} ${kind === 'rate_limited' ? 'rate-limited answers' : 'failed tries'}` };
      let waitMs: number;
      if (serverWaitMs !== undefined && serverWaitMs !== null) {
        if (serverWaitMs > cap)
          return { giveUp: `asked to wait ${Math.ceil(serverWaitMs / 1000)} s, longer than a run waits (${Math.ceil(cap / 1000)} s): the next run continues` };
        waitMs = Math.max(0, Math.ceil(serverWaitMs));
      } else waitMs = backoff(failures);
      const deadline = options.deadline?.() ?? null;
      if (deadline !== null && clock() + waitMs > deadline) return { giveUp: "the run's lease ends before the wait would: the next run continues" };
      return { waitMs };
    },
  };
}

/** Retry-After: "an integer number of seconds" (Notion, GitHub), or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** A failure that may pass on its own (an HTTP status, or 0 for a network error) per Notion's status codes. */
export function classifyNotionStatus(status: number): FailureKind {
  if (status === 0) return 'transient';
  // 529 service_overload: "handle like 429" (developers.notion.com/reference/status-codes).
  if (status === 429 || status === 529) return 'rate_limited';
  if (status >= 500 || status === 409) return 'transient';
  return 'fatal';
}

/**
 * A GitHub answer: its kind, and the wait GitHub asks for. The x-ratelimit-* headers count only when
 * the limit is reached (remaining 0) or the answer is 403/429; a 5xx waits only for a Retry-After.
 * A 403 is a rate limit only when it says so (Retry-After, remaining 0, or "rate limit" in its message);
 * otherwise it is a permission error.
 */
export function classifyGitHubResponse(status: number, header: HeaderLookup, now: number, message = ''): { kind: FailureKind; serverWaitMs: number | null } {
  if (status === 0) return { kind: 'transient', serverWaitMs: null };
  const retryAfter = parseRetryAfter(header('retry-after'), now);
  const exhausted = header('x-ratelimit-remaining') === '0';
  const limited = status === 429 || (status === 403 && (retryAfter !== null || exhausted || /rate limit/i.test(message)));
  if (limited) {
    if (retryAfter !== null) return { kind: 'rate_limited', serverWaitMs: retryAfter };
    const reset = Number(header('x-ratelimit-reset'));
    if (exhausted && Number.isFinite(reset) && reset > 0) return { kind: 'rate_limited', serverWaitMs: Math.max(0, reset * 1000 - now) + 1000 };
    // A secondary limit without a Retry-After: GitHub says to wait at least a minute.
    return { kind: 'rate_limited', serverWaitMs: status === 403 ? 60_000 : null };
  }
  if (status >= 500) return { kind: 'transient', serverWaitMs: retryAfter };
  return { kind: 'fatal', serverWaitMs: null };
}
