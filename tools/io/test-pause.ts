/**
 * Crash tests need a canon process frozen at a precise step, so that the test can kill it with -9
 * there (a real kill, not a simulated one). With `CANON_TEST_PAUSE_AT=<point>` the process announces
 * `canon-test: paused at <point>` on stderr and waits forever at that point. Unset, this is a no-op.
 */
export async function pauseForTest(point: string, env: NodeJS.ProcessEnv, say: (text: string) => void): Promise<void> {
  if (env.CANON_TEST_PAUSE_AT !== point) return;
  say(`canon-test: paused at ${point}`);
  await new Promise(() => setInterval(() => {}, 1 << 30));
}
