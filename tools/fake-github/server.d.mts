// Types for server.mjs (plain JavaScript so bench scripts run it without a build).
export interface GitHubFaults {
  /** Share of requests answered 502 (seeded, repeatable). */
  serverErrorRate?: number;
  seed?: number;
  /** The next N requests are answered 429 with Retry-After. */
  rateLimitBurst?: number;
  /** The next N requests are answered 502. */
  failNext?: number;
  /** Share of requests whose connection drops after they are applied (no answer; seeded). */
  dropRate?: number;
  /** The next N requests are answered 403 with x-ratelimit-remaining: 0 (the primary limit reached). */
  exhaustedBurst?: number;
  /** With exhaustedBurst: x-ratelimit-reset this many seconds from now. */
  resetInSeconds?: number;
}
export interface GitHubRequest {
  method: string;
  path: string;
  status: number;
  forced?: boolean;
}
export interface FakeCommit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  author?: { name: string; email: string; date?: string };
}
export interface FakeGitHub {
  apiUrl: string;
  token: string;
  repository: string;
  branch: string;
  requests: GitHubRequest[];
  commitFiles(changes: Record<string, string | null>, message?: string, author?: { name: string; email: string }): string;
  head(): string;
  commit(sha: string): Omit<FakeCommit, 'sha'> | undefined;
  readFile(path: string, at?: string): string | null;
  files(at?: string): string[];
  log(at?: string): FakeCommit[];
  setFaults(faults: GitHubFaults): void;
  onRequest(hook: ((request: GitHubRequest, github: FakeGitHub) => void | Promise<void>) | null): void;
  close(): Promise<void>;
}
export declare function blobSha(content: string): string;
export declare function startFakeGitHub(options?: {
  token?: string;
  owner?: string;
  repo?: string;
  branch?: string;
  files?: Record<string, string>;
  faults?: GitHubFaults;
  retryAfterSeconds?: number;
}): Promise<FakeGitHub>;
