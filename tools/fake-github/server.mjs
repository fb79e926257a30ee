// A fake GitHub REST API on loopback HTTP, for the Worker's tests and `tools/bench/worker.mjs`. It lives in
// tools/, not __tests__/helpers, because `npm run bench` runs it too (ADR-0038).
//
// It serves what canon's Notion Worker uses, with GitHub's shapes: GET /repos/{o}/{r} (default_branch),
// GET …/git/ref/heads/{branch}, GET …/git/trees/{commit or tree}?recursive=1, GET …/git/blobs/{sha}
// (base64 in 60-column lines), POST …/git/trees (base_tree + entries with inline content), POST
// …/git/commits, PATCH …/git/refs/heads/{branch} (422 "Update is not a fast forward" unless the new
// commit descends from the head, or force). Blob ids are real git blob ids. Bearer auth is required.
// Like GitHub, every answer carries the primary rate limit's headers (x-ratelimit-limit, -remaining,
// -used, -resource, and -reset: an epoch second up to an hour away), whatever its status; an exhausted
// limit is 403 with x-ratelimit-remaining: 0. Faults: 5xx at a seeded rate, dropped connections at a
// seeded rate (the request applied, the answer lost), 429 bursts with Retry-After, an exhausted limit,
// and a hook before each request (a person pushing while a run goes). Plain ESM JavaScript so bench scripts import it without a build step.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { seededRandom } from '../seeded-random.mjs';

const sha1 = (text) => createHash('sha1').update(text).digest('hex');
export const blobSha = (content) => {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]))
    .digest('hex');
};

/**
 * @param {{ token?: string, owner?: string, repo?: string, branch?: string, files?: Record<string, string>, faults?: object, retryAfterSeconds?: number }} options
 */
export async function startFakeGitHub(options = {}) {
  const token = options.token ?? 'ghp_fake_token_for_tests_only_000000000000';
  const owner = options.owner ?? 'team';
  const repo = options.repo ?? 'notes';
  const branch = options.branch ?? 'main';
  const blobs = new Map(); // sha -> content
  const trees = new Map(); // tree sha -> Map(path -> { mode, sha })
  const commits = new Map(); // sha -> { tree, parents, message, author }
  const refs = new Map();
  const requests = [];
  let faults = { ...(options.faults ?? {}) };
  let random = seededRandom(faults.seed ?? 1);
  let beforeRequest = null;
  // The primary rate limit: 5000 an hour, its window reset about an hour after it starts.
  const rateLimit = { limit: 5000, used: 0, reset: Math.floor(Date.now() / 1000) + 3600 };

  const putTree = (files) => {
    const listing = [...files]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([p, e]) => `${e.mode} ${e.sha}\t${p}`)
      .join('\n');
    const sha = sha1(`tree ${listing}`);
    trees.set(sha, new Map(files));
    return sha;
  };
  const putCommit = (tree, parents, message, author) => {
    const sha = sha1(`commit ${tree} ${parents.join(',')} ${message} ${commits.size} ${Math.random()}`);
    commits.set(sha, { tree, parents, message, author });
    return sha;
  };
  const filesOf = (commitSha) => new Map(trees.get(commits.get(commitSha).tree));

  /** Push a commit on the branch (as a person would): content per path, null removes it. */
  function commitFiles(changes, message = 'a person commits', author = { name: 'Person', email: 'person@example.com' }) {
    const head = refs.get(branch);
    const files = head ? filesOf(head) : new Map();
    for (const [p, content] of Object.entries(changes)) {
      if (content === null) {
        files.delete(p);
        continue;
      }
      const sha = blobSha(content);
      blobs.set(sha, content);
      files.set(p, { mode: files.get(p)?.mode ?? '100644', sha });
    }
    const sha = putCommit(putTree(files), head ? [head] : [], message, author);
    refs.set(branch, sha);
    return sha;
  }
  commitFiles(options.files ?? {}, 'initial');

  const send = (res, status, body, headers = {}) => {
    const limits = {
      'x-ratelimit-limit': String(rateLimit.limit),
      'x-ratelimit-remaining': String(Math.max(0, rateLimit.limit - rateLimit.used)),
      'x-ratelimit-used': String(rateLimit.used),
      'x-ratelimit-reset': String(rateLimit.reset),
      'x-ratelimit-resource': 'core',
    };
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...limits, ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res, status, message, headers) =>
    send(res, status, { message, documentation_url: 'https://docs.github.com/rest', status: String(status) }, headers);

  const server = createServer(async (req, res) => {
    const chunks = [];
    try {
      for await (const chunk of req) chunks.push(chunk);
    } catch {
      // The client went away mid-body (a runtime killed during a run): nothing to answer.
      return;
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url, 'http://localhost');
    const entry = { method: req.method, path: url.pathname, status: 0 };
    requests.push(entry);
    // A dropped connection (seeded): whatever the request did is done, but its answer never arrives.
    const drop = Boolean(faults.dropRate) && random() < faults.dropRate;
    const answer = (status, body, headers) => {
      entry.status = status;
      if (drop && status < 500) {
        entry.status = -1;
        res.socket?.destroy();
        return;
      }
      return status >= 400 ? error(res, status, body, headers) : send(res, status, body, headers);
    };
    if (beforeRequest) await beforeRequest(entry, api);
    if (req.headers.authorization !== `Bearer ${token}`) return answer(401, 'Bad credentials');
    if (faults.exhaustedBurst > 0) {
      faults.exhaustedBurst -= 1;
      rateLimit.used = rateLimit.limit;
      if (faults.resetInSeconds !== undefined) rateLimit.reset = Math.floor(Date.now() / 1000) + faults.resetInSeconds;
      return answer(403, 'API rate limit exceeded for installation.');
    }
    rateLimit.used = Math.min(rateLimit.limit - 1, rateLimit.used + 1);
    if (faults.rateLimitBurst > 0) {
      faults.rateLimitBurst -= 1;
      return answer(429, 'API rate limit exceeded', { 'retry-after': String(options.retryAfterSeconds ?? 0) });
    }
    if (faults.failNext > 0 || (faults.serverErrorRate && random() < faults.serverErrorRate)) {
      if (faults.failNext > 0) faults.failNext -= 1;
      return answer(502, 'Server Error');
    }
    const prefix = `/repos/${owner}/${repo}`;
    if (!url.pathname.startsWith(prefix)) return answer(404, 'Not Found');
    const rest = url.pathname.slice(prefix.length);
    const body = raw ? JSON.parse(raw) : {};
    let m;
    if (req.method === 'GET' && rest === '') return answer(200, { full_name: `${owner}/${repo}`, default_branch: branch });
    if (req.method === 'GET' && (m = /^\/git\/ref\/heads\/(.+)$/.exec(rest))) {
      const sha = refs.get(decodeURIComponent(m[1]));
      return sha ? answer(200, { ref: `refs/heads/${m[1]}`, object: { sha, type: 'commit' } }) : answer(404, 'Not Found');
    }
    if (req.method === 'GET' && (m = /^\/git\/trees\/([0-9a-f]{40})$/.exec(rest))) {
      const treeSha = commits.get(m[1])?.tree ?? (trees.has(m[1]) ? m[1] : null);
      if (!treeSha) return answer(404, 'Not Found');
      const dirs = new Set();
      const tree = [];
      for (const [p, e] of trees.get(treeSha)) {
        const parts = p.split('/');
        for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
        tree.push({ path: p, mode: e.mode, type: 'blob', sha: e.sha, size: Buffer.byteLength(blobs.get(e.sha) ?? '') });
      }
      for (const d of dirs) tree.push({ path: d, mode: '040000', type: 'tree', sha: sha1(`dir ${treeSha} ${d}`) });
      tree.sort((a, b) => (a.path < b.path ? -1 : 1));
      return answer(200, { sha: treeSha, tree, truncated: false });
    }
    if (req.method === 'GET' && (m = /^\/git\/blobs\/([0-9a-f]{40})$/.exec(rest))) {
      const content = blobs.get(m[1]);
      if (content === undefined) return answer(404, 'Not Found');
      const b64 = Buffer.from(content, 'utf8').toString('base64').replace(/.{60}/g, '$&\n');
      return answer(200, { sha: m[1], size: Buffer.byteLength(content), encoding: 'base64', content: b64 });
    }
    if (req.method === 'POST' && rest === '/git/trees') {
      if (body.base_tree && !trees.has(body.base_tree)) return answer(422, 'Invalid tree info');
      const files = new Map(body.base_tree ? trees.get(body.base_tree) : []);
      for (const e of body.tree ?? []) {
        if (e.sha === null) {
          files.delete(e.path);
          continue;
        }
        const sha = e.content !== undefined ? blobSha(e.content) : e.sha;
        if (e.content !== undefined) blobs.set(sha, e.content);
        files.set(e.path, { mode: e.mode, sha });
      }
      return answer(201, { sha: putTree(files), truncated: false });
    }
    if (req.method === 'POST' && rest === '/git/commits') {
      if (!trees.has(body.tree) || !(body.parents ?? []).every((p) => commits.has(p))) return answer(422, 'Tree or parent not found');
      return answer(201, { sha: putCommit(body.tree, body.parents, body.message, body.author) });
    }
    if (req.method === 'PATCH' && (m = /^\/git\/refs\/heads\/(.+)$/.exec(rest))) {
      const name = decodeURIComponent(m[1]);
      const current = refs.get(name);
      const next = commits.get(body.sha);
      if (!current || !next) return answer(422, 'Reference does not exist');
      if (!body.force && !next.parents.includes(current) && body.sha !== current) return answer(422, 'Update is not a fast forward');
      if (body.force) entry.forced = true;
      refs.set(name, body.sha);
      return answer(200, { ref: `refs/heads/${name}`, object: { sha: body.sha, type: 'commit' } });
    }
    return answer(404, 'Not Found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();

  const api = {
    apiUrl: `http://127.0.0.1:${port}`,
    token,
    repository: `${owner}/${repo}`,
    branch,
    requests,
    commitFiles,
    head: () => refs.get(branch),
    commit: (sha) => commits.get(sha),
    /** A file's text at the branch head (or a given commit), or null. */
    readFile(p, at = refs.get(branch)) {
      const e = filesOf(at).get(p);
      return e ? blobs.get(e.sha) : null;
    },
    files: (at = refs.get(branch)) => [...filesOf(at).keys()],
    /** Commits from the head back along first parents: [{ sha, message, author, parents }]. */
    log(at = refs.get(branch)) {
      const out = [];
      for (let sha = at; sha; sha = commits.get(sha).parents[0]) out.push({ sha, ...commits.get(sha) });
      return out;
    },
    setFaults(next) {
      faults = { ...next };
      random = seededRandom(faults.seed ?? 1);
    },
    onRequest(hook) {
      beforeRequest = hook;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return api;
}
