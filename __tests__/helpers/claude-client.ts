// The real Claude Code client for the real-client tests: `@anthropic-ai/claude-code` at a pinned
// version, installed once into a cache under os.tmpdir() and reused by later runs. The native binary
// comes in its platform package (an optional dependency), so no postinstall is needed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REGISTRY_ENV } from './team-repo.js';
import { cachedDir } from './test-cache.js';

export const CLAUDE_CODE_VERSION = '2.1.332';

export type ClaudeInstall = { ok: true; bin: string } | { ok: false; reason: string };

/** The platform binary itself: no Node wrapper in between (the package wants Node 22 for its wrapper). */
function binaryIn(dir: string): string | null {
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  const musl = process.platform === 'linux' && existsSync('/etc/alpine-release') ? '-musl' : '';
  const name = process.platform === 'win32' ? 'claude.exe' : 'claude';
  const candidates = [
    path.join(dir, 'node_modules', '@anthropic-ai', `claude-code-${process.platform}-${arch}${musl}`, name),
    path.join(dir, 'node_modules', '.bin', 'claude'),
  ];
  return candidates.find((file) => existsSync(file)) ?? null;
}

function works(bin: string): boolean {
  const run = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return run.status === 0 && run.stdout.includes(CLAUDE_CODE_VERSION);
}

/** Install (or reuse) the pinned client. Never throws: a failure is a reason to skip. */
export function ensureClaudeCode(): ClaudeInstall {
  if (process.env.CANON_TEST_NO_CLAUDE === '1') return { ok: false, reason: 'CANON_TEST_NO_CLAUDE=1' };
  try {
    // Several files use the client and jest runs them at once: cachedDir builds it aside and renames it into place.
    const dir = cachedDir(
      `claude-${CLAUDE_CODE_VERSION}`,
      (d) => {
        const bin = binaryIn(d);
        return bin !== null && works(bin);
      },
      (tmp) => {
        writeFileSync(path.join(tmp, 'package.json'), '{"name":"canon-claude-code-cache","private":true}\n');
        const install = spawnSync(
          'npm',
          ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}`],
          { cwd: tmp, encoding: 'utf8', timeout: 240_000, env: { ...process.env, ...REGISTRY_ENV } },
        );
        if (install.status !== 0) {
          const detail = `${install.stderr ?? ''}${install.error?.message ?? ''}`.trim().split('\n').filter(Boolean).at(-1) ?? `exit ${install.status}`;
          throw new Error(`npm install @anthropic-ai/claude-code@${CLAUDE_CODE_VERSION} failed (${detail})`);
        }
        const bin = binaryIn(tmp);
        if (bin === null) throw new Error(`@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION} has no binary for ${process.platform}-${process.arch}`);
        if (!works(bin)) throw new Error(`${bin} --version did not answer ${CLAUDE_CODE_VERSION}`);
      },
    );
    return { ok: true, bin: binaryIn(dir)! };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

export interface ClaudeRun {
  code: number;
  /** stream-json events, one object per line of stdout. */
  events: Array<Record<string, unknown>>;
  stdout: string;
  stderr: string;
  sessionId: string | null;
  result: Record<string, unknown> | null;
}

export interface ClaudeRunOptions {
  bin: string;
  cwd: string;
  home: string;
  apiUrl: string;
  prompt: string;
  /** Default permission mode unless true (then --dangerously-skip-permissions, which root needs IS_SANDBOX=1 for). */
  skipPermissions?: boolean;
  resume?: string;
  mcpConfig?: string;
  env?: NodeJS.ProcessEnv;
}

/** `claude -p <prompt> --output-format stream-json --verbose`, as a real child process. */
export function runClaude(options: ClaudeRunOptions): Promise<ClaudeRun> {
  const args = ['-p', options.prompt, '--output-format', 'stream-json', '--verbose'];
  if (options.skipPermissions) args.push('--dangerously-skip-permissions');
  if (options.resume) args.push('--resume', options.resume);
  if (options.mcpConfig) args.push('--mcp-config', options.mcpConfig, '--strict-mcp-config');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: options.home,
    TZ: 'UTC',
    LANG: 'C.UTF-8',
    ANTHROPIC_BASE_URL: options.apiUrl,
    ANTHROPIC_API_KEY: 'test',
    IS_SANDBOX: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    CI: 'true',
    ...options.env,
  };
  return new Promise((resolve) => {
    const child = spawn(options.bin, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const events = stdout
        .split('\n')
        .filter((l) => l.trim().startsWith('{'))
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Record<string, unknown>];
          } catch {
            return [];
          }
        });
      const init = events.find((e) => e.type === 'system' && e.subtype === 'init');
      const result = events.findLast((e) => e.type === 'result') ?? null;
      resolve({ code: code ?? 1, events, stdout, stderr, sessionId: (init?.session_id as string | undefined) ?? null, result });
    });
  });
}
