// canon installed the plugin way into a test repository (ADR-0028), and a Claude Code home that
// trusts it, as a user who accepted the trust dialog has it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mergePluginSettings } from '../../tools/core/claude-plugin-settings.js';
import { CANON_ROOT, type GitRepo } from './git-repo.js';

/**
 * canon "installed" as the package it is (node_modules/canon-notes → this checkout, whose plugin/ and
 * .claude-plugin/ are what npm pack ships), and settings.json as `canon init` writes it.
 */
export function installCanonPlugin(repo: GitRepo): void {
  mkdirSync(path.join(repo.dir, 'node_modules'), { recursive: true });
  if (!existsSync(path.join(repo.dir, 'node_modules/canon-notes'))) symlinkSync(CANON_ROOT, path.join(repo.dir, 'node_modules/canon-notes'), 'dir');
  const settings = path.join(repo.dir, '.claude/settings.json');
  mkdirSync(path.dirname(settings), { recursive: true });
  writeFileSync(settings, mergePluginSettings(existsSync(settings) ? readFileSync(settings, 'utf8') : null));
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
    env: { PATH: process.env.PATH, HOME: options.home, DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_TELEMETRY: '1', DISABLE_ERROR_REPORTING: '1', CI: 'true' },
  });
  return { code: run.status ?? 1, stdout: run.stdout ?? '', stderr: run.stderr ?? '' };
}

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
}
