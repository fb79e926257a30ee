import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { HOOK_FILES } from '../../tools/hook-bundles.mjs';
import { CANON_ROOT, type CliResult, type GitRepo } from './git-repo.js';

export const HOOK_BUNDLE = '.claude/hooks/post-tool-use.mjs';
export const SESSION_HOOK_BUNDLE = '.claude/hooks/session.mjs';

/** Lay the committed hook bundles (with the code they share) and settings into a test repository, as a fresh clone has them. */
export function installHookBundle(repo: GitRepo): void {
  mkdirSync(path.join(repo.dir, '.claude', 'hooks'), { recursive: true });
  for (const rel of [...HOOK_FILES.map((name) => `.claude/hooks/${name}`), '.claude/settings.json'])
    copyFileSync(path.join(CANON_ROOT, rel), path.join(repo.dir, rel));
}

export function hookInput(toolName: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    session_id: 'sess-1',
    transcript_path: '/tmp/t.jsonl',
    cwd: '/nowhere',
    permission_mode: 'default',
    hook_event_name: 'PostToolUse',
    tool_name: toolName,
    tool_input: {},
    tool_response: {},
    ...extra,
  });
}

/** Run the hook bundle as Claude Code does: a real `node` process, the JSON on stdin. */
export function runHook(repo: GitRepo, input: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repo.dir, HOOK_BUNDLE)], {
      cwd: repo.dir,
      env: { ...repo.env, CLAUDE_PROJECT_DIR: repo.dir, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.on('error', () => {}); // a hook that exits before reading all of stdin is not a test failure
    child.stdin.end(input);
  });
}

/** Run the SessionStart/SessionEnd bundle as Claude Code does. */
export function runSessionHook(repo: GitRepo, input: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repo.dir, SESSION_HOOK_BUNDLE)], {
      cwd: repo.dir,
      env: { ...repo.env, CLAUDE_PROJECT_DIR: repo.dir, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}
