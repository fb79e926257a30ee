// canon installed the plugin way into a test repository (ADR-0028), and a Claude Code home that
// trusts it, as a user who accepted the trust dialog has it.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mergePluginSettings } from '../../tools/core/claude-plugin-settings.js';
import { CANON_ROOT, type GitRepo } from './git-repo.js';

/**
 * canon "installed" as the package it is (node_modules/canon-notes → this checkout, whose plugin/ and
 * .claude-plugin/ are what npm pack ships), and settings.json as `canon init` writes it.
 */
export function installCanonPlugin(repo: GitRepo): void {
  linkCanonPackage(repo);
  const settings = path.join(repo.dir, '.claude/settings.json');
  mkdirSync(path.dirname(settings), { recursive: true });
  writeFileSync(settings, mergePluginSettings(existsSync(settings) ? readFileSync(settings, 'utf8') : null));
}

/**
 * node_modules/canon-notes → this checkout, in a node_modules of the repository's own: the hooks'
 * node_modules link (install-hooks.mjs) points at canon's, and a link made through it would land in
 * canon's own node_modules, shared by every checkout (worktree) using it.
 */
export function linkCanonPackage(repo: GitRepo): void {
  const dir = path.join(repo.dir, 'node_modules');
  if (lstatSync(dir, { throwIfNoEntry: false })?.isSymbolicLink()) {
    const shared = realpathSync(dir);
    unlinkSync(dir);
    mkdirSync(dir);
    for (const name of readdirSync(shared)) if (name !== 'canon-notes') symlinkSync(path.join(shared, name), path.join(dir, name));
  }
  mkdirSync(dir, { recursive: true });
  if (lstatSync(path.join(dir, 'canon-notes'), { throwIfNoEntry: false }) === undefined) symlinkSync(CANON_ROOT, path.join(dir, 'canon-notes'), 'dir');
}

/** ~/.claude.json of a user past onboarding who trusted `dirs` and approved the test API key. */
export function trustingHome(home: string, dirs: readonly string[]): void {
  mkdirSync(home, { recursive: true });
  const config = {
    hasCompletedOnboarding: true,
    lastOnboardingVersion: '2.1.332',
    hasSeenAutoDefaultNotice: true,
    customApiKeyResponses: { approved: ['test'], rejected: [] },
    projects: Object.fromEntries(dirs.map((dir) => [dir, { hasTrustDialogAccepted: true, allowedTools: [] }])),
  };
  writeFileSync(path.join(home, '.claude.json'), `${JSON.stringify(config, null, 2)}\n`);
}

/** `claude <args>` outside a session (plugin and marketplace commands), HOME isolated. */
export function claudeCli(bin: string, args: string[], options: { cwd: string; home: string }): { code: number; stdout: string; stderr: string } {
  const run = spawnSync(bin, args, {
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      HOME: options.home,
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      CI: 'true',
    },
  });
  return { code: run.status ?? 1, stdout: run.stdout ?? '', stderr: run.stderr ?? '' };
}

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
}

/** The stand-in Notion MCP server the real-client tests give Claude Code. */
export const FAKE_MCP = path.join(CANON_ROOT, '__tests__/helpers/fake-mcp-notion.mjs');

/** Claude Code's own commands (the interactive ones too) that nothing canon installs may be named. */
export const BUILT_INS = [
  'resume',
  'clear',
  'help',
  'exit',
  'compact',
  'config',
  'init',
  'login',
  'logout',
  'model',
  'status',
  'doctor',
  'memory',
  'review',
  'cost',
  'agents',
  'mcp',
  'permissions',
  'plugin',
  'hooks',
  'rewind',
  'context',
  'export',
  'add-dir',
  'bug',
  'usage',
  'skills',
];
