/**
 * The few GitHub REST calls the Worker makes (ADR-0017): the branch head, its tree, changed blobs,
 * and a write-back commit through the Git Data API (tree → commit → fast-forward of the branch ref,
 * never forced). Every request is counted and goes under canon's one retry policy
 * (tools/sync/retry-policy.ts, ADR-0035): 5xx and network errors back off briefly with jitter; 429 and
 * a reached rate limit wait what GitHub asks, up to a cap; x-ratelimit-reset is read only when the
 * limit is reached (it is on every answer); no wait passes the run's deadline. Other failures, and
 * retries given up, throw GitHubError.
 */
import { classifyGitHubResponse, createRetryPolicy, type RetryOptions } from '../../../tools/sync/index.js';

export interface GitHubOptions {
  apiUrl: string;
  repository: string;
  token: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** A request that has no answer after this long fails as a network error (default 30 s). */
  timeoutMs?: number;
  /** The retry policy's knobs (tests: a seeded random, a fake clock, a deadline). */
  retry?: RetryOptions;
}

export interface TreeEntry {
  path: string;
  mode: string;
  type: string;
  sha: string;
}

export interface Tree {
  sha: string;
  entries: TreeEntry[];
  truncated: boolean;
}

export interface NewFile {
  path: string;
  mode: string;
  content: string;
}

export class GitHubError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'GitHubError';
  }
}

export interface GitHub {
  readonly requests: number;
  defaultBranch(): Promise<string>;
  /** The commit the branch points at. */
  head(branch: string): Promise<string>;
  /** The whole tree of a commit (one request, `recursive=1`). */
  tree(commit: string): Promise<Tree>;
  blob(sha: string): Promise<Uint8Array>;
  /** A commit of `files` on top of `parent`'s tree `baseTree`; returns the commit sha. */
  commit(input: { parent: string; baseTree: string; files: readonly NewFile[]; message: string; author: { name: string; email: string } }): Promise<string>;
  /** Move the branch to `sha` if that is a fast-forward; false when the branch moved meanwhile. */
  advance(branch: string, sha: string): Promise<boolean>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text.replace(/\s+/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function createGitHub(options: GitHubOptions): GitHub {
  const doFetch = options.fetch ?? ((input: Parameters<typeof fetch>[0], init?: RequestInit) => fetch(input, init));
  const sleep = options.sleep ?? defaultSleep;
  const policy = createRetryPolicy(options.retry);
  const clock = options.retry?.clock ?? Date.now;
  const base = `${options.apiUrl.replace(/\/+$/, '')}/repos/${options.repository}`;
  let requests = 0;

  // GitHub's JSON is read field by field where it is used.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function call(method: string, path: string, body?: unknown, accept: number[] = []): Promise<{ status: number; json: any }> {
    let failures = 0;
    let limited = 0;
    const where = `${method} ${path.split('?')[0] || `/repos/${options.repository}`}`;
    for (;;) {
      requests += 1;
      let response: Response;
      try {
        response = await doFetch(`${base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${options.token}`,
            accept: 'application/vnd.github+json',
            'x-github-api-version': '2022-11-28',
            'user-agent': 'canon-notion-sync',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
      } catch (error) {
        const decision = policy.next({ kind: 'transient', failures: ++failures });
        if (decision.giveUp !== undefined) throw new GitHubError(0, `could not reach GitHub for ${where}: ${(error as Error).message} (${decision.giveUp})`);
        await sleep(decision.waitMs);
        continue;
      }
      const text = await response.text();
      if (response.ok || accept.includes(response.status)) return { status: response.status, json: text ? JSON.parse(text) : null };
      let message = text.slice(0, 200);
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // not JSON: the start of the body says enough
      }
      const { kind, serverWaitMs } = classifyGitHubResponse(response.status, (name) => response.headers.get(name), clock(), message);
      let gaveUp = '';
      if (kind !== 'fatal') {
        const decision = policy.next({ kind, failures: kind === 'rate_limited' ? ++limited : ++failures, serverWaitMs });
        if (decision.giveUp === undefined) {
          await sleep(decision.waitMs);
          continue;
        }
        gaveUp = ` (${decision.giveUp})`;
      }
      throw new GitHubError(response.status, `GitHub answered ${response.status} to ${where}: ${message}${gaveUp}`);
    }
  }

  return {
    get requests() {
      return requests;
    },
    async defaultBranch() {
      return String((await call('GET', '')).json.default_branch);
    },
    async head(branch) {
      return String((await call('GET', `/git/ref/heads/${encodeURIComponent(branch)}`)).json.object.sha);
    },
    async tree(commit) {
      const { json } = await call('GET', `/git/trees/${commit}?recursive=1`);
      return {
        sha: String(json.sha),
        truncated: Boolean(json.truncated),
        entries: (json.tree as TreeEntry[]).map((e) => ({ path: e.path, mode: e.mode, type: e.type, sha: e.sha })),
      };
    },
    async blob(sha) {
      const { json } = await call('GET', `/git/blobs/${sha}`);
      if (json.encoding === 'base64') return decodeBase64(String(json.content));
      return new TextEncoder().encode(String(json.content));
    },
    async commit({ parent, baseTree, files, message, author }) {
      const tree = await call('POST', '/git/trees', {
        base_tree: baseTree,
        tree: files.map((f) => ({ path: f.path, mode: f.mode, type: 'blob', content: f.content })),
      });
      const commit = await call('POST', '/git/commits', {
        message,
        tree: tree.json.sha,
        parents: [parent],
        author: { ...author, date: new Date().toISOString() },
      });
      return String(commit.json.sha);
    },
    async advance(branch, sha) {
      // 422: "Update is not a fast forward" — the branch moved; the caller rebuilds on the new head.
      const { status } = await call('PATCH', `/git/refs/heads/${encodeURIComponent(branch)}`, { sha, force: false }, [422]);
      return status !== 422;
    },
  };
}

/** The git blob id of a text, as GitHub will compute it: sha1("blob <bytes>\0" + bytes). */
export async function gitBlobSha(text: string): Promise<string> {
  const body = new TextEncoder().encode(text);
  const header = new TextEncoder().encode(`blob ${body.length}\0`);
  const all = new Uint8Array(header.length + body.length);
  all.set(header);
  all.set(body, header.length);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', all));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}
