import { describe, expect, it } from '@jest/globals';
import { classifyGitHubResponse, classifyNotionStatus, createRetryPolicy, parseRetryAfter } from '../../tools/sync/retry-policy.js';
import { seededRandom } from '../../tools/seeded-random.mjs';

/**
 * canon's one retry policy (ADR-0035), decided with a seeded random and a clock the test holds:
 * nothing waits, and every figure below is exact.
 */
const NOW = Date.parse('2026-12-05T22:00:00Z');
const headers = (h: Record<string, string>) => (name: string) => h[name.toLowerCase()] ?? null;

describe('the retry policy', () => {
  it('backs off exponentially with jitter, capped, and gives up after maxAttempts tries', () => {
    const policy = createRetryPolicy({ baseDelayMs: 500, maxDelayMs: 8000, maxAttempts: 6, random: seededRandom(7), clock: () => NOW });
    const waits = [1, 2, 3, 4, 5].map((failures) => policy.next({ kind: 'transient', failures }).waitMs!);
    // Each wait is within [half, all] of its step: 500, 1000, 2000, 4000, 8000 (capped).
    [500, 1000, 2000, 4000, 8000].forEach((step, i) => {
      expect(waits[i]).toBeGreaterThanOrEqual(step / 2);
      expect(waits[i]).toBeLessThanOrEqual(step);
    });
    // The same seed gives the same waits; another seed other ones.
    const again = createRetryPolicy({ baseDelayMs: 500, maxDelayMs: 8000, random: seededRandom(7), clock: () => NOW });
    expect([1, 2, 3, 4, 5].map((failures) => again.next({ kind: 'transient', failures }).waitMs)).toEqual(waits);
    const other = createRetryPolicy({ baseDelayMs: 500, maxDelayMs: 8000, random: seededRandom(8), clock: () => NOW });
    expect([1, 2, 3, 4, 5].map((failures) => other.next({ kind: 'transient', failures }).waitMs)).not.toEqual(waits);
    // The sixth failure is the last try: give up.
    expect(policy.next({ kind: 'transient', failures: 6 }).giveUp).toMatch(/gave up after 6 failed tries/);
    // Never past the cap, however many failures (a long run of 5xx never waits minutes).
    const long = createRetryPolicy({ baseDelayMs: 500, maxDelayMs: 8000, maxAttempts: 40, random: () => 0.999999, clock: () => NOW });
    expect(long.next({ kind: 'transient', failures: 30 }).waitMs).toBeLessThanOrEqual(8000);
  });

  it('honours what the server asks up to a cap, and does not wait longer than that', () => {
    const policy = createRetryPolicy({ retryAfterCapMs: 60_000, random: seededRandom(1), clock: () => NOW });
    expect(policy.next({ kind: 'rate_limited', failures: 1, serverWaitMs: 2000 })).toEqual({ waitMs: 2000 });
    expect(policy.next({ kind: 'rate_limited', failures: 1, serverWaitMs: 60_000 })).toEqual({ waitMs: 60_000 });
    expect(policy.next({ kind: 'rate_limited', failures: 1, serverWaitMs: 0 })).toEqual({ waitMs: 0 });
    expect(policy.next({ kind: 'rate_limited', failures: 1, serverWaitMs: 3_000_000 }).giveUp).toMatch(
      /asked to wait 3000 s, longer than a run waits \(60 s\)/,
    );
    // A 503 with Retry-After waits for it too; without one it backs off.
    expect(policy.next({ kind: 'transient', failures: 1, serverWaitMs: 3000 })).toEqual({ waitMs: 3000 });
    expect(policy.next({ kind: 'transient', failures: 1, serverWaitMs: null }).waitMs).toBeLessThanOrEqual(500);
    // Rate-limited answers are ridden out longer than failures, but not forever.
    expect(policy.next({ kind: 'rate_limited', failures: 12, serverWaitMs: 1000 })).toEqual({ waitMs: 1000 });
    expect(policy.next({ kind: 'rate_limited', failures: 13, serverWaitMs: 1000 }).giveUp).toMatch(/13 rate-limited answers/);
  });

  it("no wait ends past the deadline (the run's lease), which moves when the lease is renewed", () => {
    let now = NOW;
    let deadline = NOW + 10_000;
    const policy = createRetryPolicy({ random: () => 0.5, clock: () => now, deadline: () => deadline });
    expect(policy.next({ kind: 'rate_limited', failures: 1, serverWaitMs: 9_000 })).toEqual({ waitMs: 9_000 });
    expect(policy.next({ kind: 'rate_limited', failures: 1, serverWaitMs: 11_000 }).giveUp).toMatch(/lease ends before the wait would/);
    now = NOW + 9_800;
    expect(policy.next({ kind: 'transient', failures: 1 }).giveUp).toMatch(/lease/);
    deadline = now + 60_000;
    expect(policy.next({ kind: 'transient', failures: 1 })).toEqual({ waitMs: 375 });
    // No deadline: only the cap and the counts bound a wait.
    expect(createRetryPolicy({ random: () => 0.5, clock: () => now, deadline: () => null }).next({ kind: 'transient', failures: 1 })).toEqual({ waitMs: 375 });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3', NOW)).toBe(3000);
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter(new Date(NOW + 5000).toUTCString(), NOW)).toBe(5000);
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter(null, NOW)).toBeNull();
    expect(parseRetryAfter('', NOW)).toBeNull();
  });
});

describe("what each host's answer is", () => {
  it('Notion: 429 and 529 are rate limits, 5xx, 409 and network errors pass, the rest stands', () => {
    expect([429, 529, 500, 502, 503, 504, 409, 0, 400, 401, 403, 404, 413, 422].map(classifyNotionStatus)).toEqual([
      'rate_limited',
      'rate_limited',
      'transient',
      'transient',
      'transient',
      'transient',
      'transient',
      'transient',
      'fatal',
      'fatal',
      'fatal',
      'fatal',
      'fatal',
      'fatal',
    ]);
  });

  it('GitHub: the rate-limit reset is read only when the limit is reached, never for a 5xx', () => {
    const reset = String(Math.floor(NOW / 1000) + 3000);
    // Every GitHub answer carries x-ratelimit-reset; a 503 with plenty remaining backs off briefly.
    expect(classifyGitHubResponse(503, headers({ 'x-ratelimit-remaining': '4990', 'x-ratelimit-reset': reset }), NOW)).toEqual({
      kind: 'transient',
      serverWaitMs: null,
    });
    expect(classifyGitHubResponse(502, headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), NOW)).toEqual({
      kind: 'transient',
      serverWaitMs: null,
    });
    expect(classifyGitHubResponse(503, headers({ 'retry-after': '2' }), NOW)).toEqual({ kind: 'transient', serverWaitMs: 2000 });
    // The limit reached: 403 with remaining 0 waits for the reset (past the cap here: the policy gives up).
    expect(classifyGitHubResponse(403, headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), NOW)).toEqual({
      kind: 'rate_limited',
      serverWaitMs: 3_001_000,
    });
    expect(classifyGitHubResponse(429, headers({ 'retry-after': '5', 'x-ratelimit-reset': reset }), NOW)).toEqual({ kind: 'rate_limited', serverWaitMs: 5000 });
    expect(classifyGitHubResponse(429, headers({ 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': reset }), NOW)).toEqual({
      kind: 'rate_limited',
      serverWaitMs: null,
    });
    // A secondary limit without headers: at least a minute, as GitHub documents.
    expect(classifyGitHubResponse(403, headers({ 'x-ratelimit-remaining': '4000' }), NOW, 'You have exceeded a secondary rate limit')).toEqual({
      kind: 'rate_limited',
      serverWaitMs: 60_000,
    });
    // A 403 that is not a limit is a permission error; 404, 422 stand; a network error passes.
    expect(
      classifyGitHubResponse(403, headers({ 'x-ratelimit-remaining': '4000', 'x-ratelimit-reset': reset }), NOW, 'Resource not accessible by integration').kind,
    ).toBe('fatal');
    expect(classifyGitHubResponse(404, headers({}), NOW).kind).toBe('fatal');
    expect(classifyGitHubResponse(422, headers({}), NOW).kind).toBe('fatal');
    expect(classifyGitHubResponse(0, headers({}), NOW).kind).toBe('transient');
  });
});
