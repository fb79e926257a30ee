import type { SimpleGit } from 'simple-git';

/**
 * node:child_process, loaded on first use: it brings node's streams, net and dgram with it, several
 * milliseconds that the paths which never start git (the warm resume, the hooks) should not pay.
 */
const childProcess = () => process.getBuiltinModule('node:child_process');

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitOptions {
  cwd: string;
  input?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The one place canon runs git. Never throws for a non-zero exit: callers decide what it means.
 * The rule: porcelain (add, commit, push, status, config, worktree questions) goes through
 * simple-git (`porcelain`, `porcelainResult` below); plumbing on a measured hot path goes through
 * execGit and its byte and sync variants. Commands call named functions in io/ that use these,
 * never child_process.
 */
export async function execGit(args: readonly string[], options: GitOptions): Promise<GitResult> {
  const result = await execGitBytes(args, options);
  return { ...result, stdout: result.stdout.toString('utf8') };
}

/** Synchronous variant, for the few start-up questions (repository root) asked before anything else. */
export function execGitSync(args: readonly string[], options: GitOptions): GitResult {
  const result = execGitBytesSync(args, options);
  return { ...result, stdout: result.stdout.toString('utf8') };
}

/** Run git and return stdout, or throw with git's own message. */
export async function gitOutput(args: readonly string[], options: GitOptions): Promise<string> {
  const result = await execGit(args, options);
  if (result.code !== 0) {
    throw new Error(`git ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}

export interface GitBytesResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** execGit for plumbing whose output is bytes (`cat-file --batch`): stdout as a Buffer. */
export function execGitBytes(args: readonly string[], options: GitOptions): Promise<GitBytesResult> {
  return new Promise((resolve, reject) => {
    const child = childProcess().execFile(
      'git',
      args,
      { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: 1024 * 1024 * 1024, encoding: 'buffer' },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr: stderr.toString('utf8') });
      },
    );
    if (options.input !== undefined && child.stdin) {
      // git may exit without reading its input (`git shortlog --all` never reads stdin; a command
      // that fails early stops reading): the write then fails with EPIPE, and an 'error' event
      // nobody listens to would kill canon. What git did is in its exit status and stderr.
      child.stdin.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') reject(error);
      });
      child.stdin.end(options.input);
    }
  });
}

/** Synchronous execGitBytes, for the readers that are synchronous (the skipped notes of a sparse checkout). */
export function execGitBytesSync(args: readonly string[], options: GitOptions): GitBytesResult {
  const result = childProcess().spawnSync('git', args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    input: options.input,
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { code: result.status ?? 1, stdout: result.stdout ?? Buffer.alloc(0), stderr: result.stderr?.toString('utf8') ?? '' };
}

/** An answer header's object size in bytes, or null when git reports the name missing (or ambiguous). */
function batchAnswerSize(header: string): number | null {
  if (header.endsWith(' missing') || header.endsWith(' ambiguous')) return null;
  return Number(header.split(' ')[2]);
}

/**
 * Parse `git cat-file --batch` output for the names asked, in order: the object's bytes, or null for a
 * name git reports missing (or ambiguous). Per object:
 *
 *     "3b18e512dba79e4c8300dd08aeb37f8e728b8dad blob 12\nhello world\n\n"   or   ":docs/x.md missing\n"
 */
export function parseCatFileBatch(out: Buffer, names: readonly string[]): Map<string, Buffer | null> {
  const result = new Map<string, Buffer | null>();
  let pos = 0;
  for (const name of names) {
    const eol = out.indexOf(0x0a, pos);
    if (eol === -1) break;
    const size = batchAnswerSize(out.subarray(pos, eol).toString('utf8'));
    pos = eol + 1;
    if (size === null) {
      result.set(name, null);
      continue;
    }
    result.set(name, out.subarray(pos, pos + size));
    pos += size + 1;
  }
  return result;
}

/** A `git cat-file --batch` process that stays open: names asked in rounds, each answered when its bytes arrive. */
export interface CatFileBatch {
  /** The object's bytes for each name, or null when git reports it missing (or ambiguous). */
  read(names: readonly string[]): Promise<Map<string, Buffer | null>>;
  /** End git's input: the process exits. Safe to call twice, or without a read. */
  close(): void;
}

/**
 * One `git cat-file --batch` for a command that reads in several rounds, each depending on the last
 * (pre-commit: the staged notes, then the INDEX pages their rows go to): git flushes each object as
 * it answers, so a round is read while the process stays open for the next. Started on the first
 * read. A `:path` name is resolved against the index as git read it at that first `:path` name: ask
 * for paths this process has changed in the index since with a new process.
 */
export function openCatFileBatch(options: Pick<GitOptions, 'cwd' | 'env'>): CatFileBatch {
  let child: ReturnType<ReturnType<typeof childProcess>['spawn']> | undefined;
  let buffer: Buffer = Buffer.alloc(0);
  let failure: Error | undefined;
  let stderr = '';
  const waiting: Array<{ name: string; done: (bytes: Buffer | null) => void; fail: (error: Error) => void }> = [];
  const failAll = (error: Error) => {
    failure ??= error;
    for (const w of waiting.splice(0)) w.fail(failure);
  };
  const drain = () => {
    while (waiting.length > 0) {
      const eol = buffer.indexOf(0x0a);
      if (eol === -1) return;
      const header = buffer.subarray(0, eol).toString('utf8');
      const size = batchAnswerSize(header);
      if (size === null) {
        buffer = buffer.subarray(eol + 1);
        waiting.shift()!.done(null);
        continue;
      }
      if (!Number.isInteger(size)) return failAll(new Error(`git cat-file --batch: unexpected answer ${JSON.stringify(header)}`));
      if (buffer.length < eol + 1 + size + 1) return;
      const bytes = Buffer.from(buffer.subarray(eol + 1, eol + 1 + size));
      buffer = buffer.subarray(eol + 1 + size + 1);
      waiting.shift()!.done(bytes);
    }
  };
  const start = () => {
    const proc = childProcess().spawn('git', ['cat-file', '--batch'], { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    proc.stdout!.on('data', (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      drain();
    });
    proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    proc.on('error', (error) => failAll(error));
    proc.on('close', (code) => failAll(new Error(`git cat-file --batch exited (${code ?? 'signal'}): ${stderr.trim()}`)));
    // git may exit before reading all its input (a repository it cannot open): that is reported by 'close'.
    proc.stdin!.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') failAll(error);
    });
    return proc;
  };
  return {
    read(names) {
      if (names.length === 0) return Promise.resolve(new Map());
      if (failure) return Promise.reject(failure);
      child ??= start();
      const answers = names.map(
        (name) =>
          new Promise<[string, Buffer | null]>((resolve, reject) => {
            waiting.push({ name, done: (bytes) => resolve([name, bytes]), fail: reject });
          }),
      );
      child.stdin!.write(names.map((n) => `${n}\n`).join(''));
      return Promise.all(answers).then((pairs) => new Map(pairs));
    },
    close() {
      if (child && !child.stdin!.writableEnded) child.stdin!.end();
    },
  };
}

/** Parse `-z` output (NUL-separated records). */
export function splitNul(output: string): string[] {
  return output.split('\0').filter((s) => s.length > 0);
}

/**
 * canon's porcelain git work — add, commit, push, status, rev-parse, config and worktree questions —
 * goes through simple-git. Plumbing on measured hot paths (the pre-commit listing, `cat-file
 * --batch`, `hash-object`/`update-index`, the start-up `rev-parse`, setup's clone layout and merge
 * driver) stays on execGit: importing simple-git alone costs about 85 ms, more than `node -e 0`
 * (ADR-0014, ADR-0047).
 */
const USERS_OWN_ENVIRONMENT = {
  allowUnsafeEditor: true,
  allowUnsafeAskPass: true,
  allowUnsafeConfigPaths: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeDiffExternal: true,
  allowUnsafePager: true,
  allowUnsafeGitProxy: true,
  allowUnsafeTemplateDir: true,
  allowUnsafeSshCommand: true,
};

export async function porcelain(cwd: string, env?: NodeJS.ProcessEnv, options: { wiring?: boolean } = {}): Promise<SimpleGit> {
  const { simpleGit } = await import('simple-git');
  // simple-git refuses to set merge drivers and hooks paths unless told: only canon's installer may.
  // It also refuses an environment that names an editor, pager, askpass, ssh command or config paths
  // (EDITOR, GIT_SSH_COMMAND, …): canon hands git the user's own environment, exactly what a `git`
  // typed in their terminal gets, so those are allowed whenever an environment is passed.
  const unsafe = {
    ...(options.wiring ? { allowUnsafeMergeDriver: true, allowUnsafeHooksPath: true } : {}),
    ...(env ? USERS_OWN_ENVIRONMENT : {}),
  };
  const git = simpleGit({ baseDir: cwd, unsafe: unsafe as never });
  if (!env) return git;
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) clean[key] = value;
  return git.env(clean);
}

/**
 * A porcelain command through simple-git, reported like execGit: simple-git throws on a non-zero
 * exit, with git's stdout and stderr in the message, which is what callers classify.
 */
export async function porcelainResult(cwd: string, env: NodeJS.ProcessEnv | undefined, task: (git: SimpleGit) => Promise<unknown>): Promise<GitResult> {
  const git = await porcelain(cwd, env);
  try {
    const out = await task(git);
    return { code: 0, stdout: typeof out === 'string' ? out : '', stderr: '' };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { code: 1, stdout: '', stderr: message };
  }
}
