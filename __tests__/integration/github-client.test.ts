import { afterEach, describe, expect, test } from '@jest/globals';
import { startFakeGitHub, type FakeGitHub, type GitHubFaults } from '../../tools/fake-github/server.mjs';
import { seededRandom } from '../../tools/seeded-random.mjs';
import { createGitHub, GitHubError, type GitHub } from '../../workers/notion-sync/src/github.js';

/**
 * The Worker's GitHub client (run in Node here) against the strict fake GitHub, which puts GitHub's
 * rate-limit headers (x-ratelimit-reset an hour away) on every answer. Sleeps are recorded, not
 * waited; the clock is the test's; the jitter is seeded (ADR-0035).
 */
let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(faults: GitHubFaults = {}, deadline?: () => number | null): Promise<{ gh: GitHub; sleeps: number[]; now: () => number }> {
  fake = await startFakeGitHub({ files: { 'a.md': 'a\n' } });
  fake.setFaults(faults);
  const sleeps: number[] = [];
  let clock = Date.now();
  const gh = createGitHub({
    apiUrl: fake.apiUrl,
    repository: fake.repository,
    token: fake.token,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    retry: { random: seededRandom(3), clock: () => clock, ...(deadline ? { deadline } : {}) },
  });
  return { gh, sleeps, now: () => clock };
}

describe("the Worker's GitHub client under the one retry policy", () => {
  test('a 5xx backs off briefly, never waiting for the hourly x-ratelimit-reset every answer carries', async () => {
    const { gh, sleeps } = await setup({ failNext: 4 });
    expect(await gh.head('main')).toBe(fake!.head());
    expect(fake!.requests.map((r) => r.status)).toEqual([502, 502, 502, 502, 200]);
    expect(sleeps).toHaveLength(4);
    // 500, 1000, 2000, 4000 ms steps with jitter: never the ~3600 s the reset header points at.
    expect(sleeps.every((ms, i) => ms >= 250 * 2 ** i && ms <= 500 * 2 ** i)).toBe(true);
  });

  test('a 5xx storm gives up after six tries, within seconds, with a GitHubError', async () => {
    const { gh, sleeps } = await setup({ failNext: 50 });
    await expect(gh.head('main')).rejects.toThrow(GitHubError);
    await expect(gh.head('main')).rejects.toThrow(/GitHub answered 502 to GET \/git\/ref\/heads\/main: Server Error \(gave up after 6 failed tries\)/);
    expect(fake!.requests).toHaveLength(12);
    expect(sleeps.slice(0, 5).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(500 + 1000 + 2000 + 4000 + 8000);
  });

  test('the limit reached (403, x-ratelimit-remaining: 0) waits for its reset when that is near; an hour away it gives up at once', async () => {
    const near = await setup({ exhaustedBurst: 1, resetInSeconds: 2 });
    expect(await near.gh.head('main')).toBe(fake!.head());
    expect(near.sleeps).toHaveLength(1);
    expect(near.sleeps[0]).toBeGreaterThanOrEqual(2000);
    expect(near.sleeps[0]).toBeLessThanOrEqual(3000 + 1000);
    await fake!.close();

    const far = await setup({ exhaustedBurst: 1, resetInSeconds: 3000 });
    await expect(far.gh.head('main')).rejects.toThrow(/403 .*rate limit exceeded.*longer than a run waits \(60 s\)/);
    expect(far.sleeps).toEqual([]);
    expect(fake!.requests).toHaveLength(1);
  });

  test("no wait ends past the run's deadline", async () => {
    let deadline = 0;
    const { gh, sleeps, now } = await setup({ failNext: 50 }, () => deadline);
    deadline = now() + 1200;
    await expect(gh.head('main')).rejects.toThrow(/lease ends before the wait would/);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1200);
  });

  test('dropped connections (the request applied, its answer lost): a write-back commit lands once, fast-forward', async () => {
    const { gh } = await setup({ dropRate: 0.3, seed: 5 });
    const head = await gh.head('main');
    const tree = await gh.tree(head);
    const sha = await gh.commit({
      parent: head,
      baseTree: tree.sha,
      files: [{ path: 'b.md', mode: '100644', content: 'b\n' }],
      message: 'write-back',
      author: { name: 'bot', email: 'bot@example.com' },
    });
    expect(await gh.advance('main', sha)).toBe(true);
    expect(fake!.requests.some((r) => r.status === -1)).toBe(true);
    expect(fake!.head()).toBe(sha);
    expect(fake!.log().map((c) => c.message)).toEqual(['write-back', 'initial']);
    expect(fake!.readFile('b.md')).toBe('b\n');
  });
});
