// secretlint's profiler builds a PerformanceObserver when it is imported, and the Workers runtime
// (unenv's polyfill under nodejs_compat) throws "not implemented" there: the Worker would not start.
// canon never reads the profile (tools/core/secret-scan.ts marks nothing), so wrangler.jsonc aliases
// `@secretlint/profiler` to this profiler that records nothing (ADR-0017).
export class SecretLintProfiler {
  mark(_marker: unknown): void {}
  async getEntries(): Promise<never[]> {
    return [];
  }
  async getMeasures(): Promise<never[]> {
    return [];
  }
}

export const secretLintProfiler = new SecretLintProfiler();
