import { describe, expect, test } from '@jest/globals';
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { CANON_ROOT } from '../helpers/git-repo.js';
import { HOOK_BUNDLE, SESSION_HOOK_BUNDLE } from '../helpers/hook.js';
import { hookBundleOptions } from '../../tools/hook-bundles.mjs';

const BUNDLES: Array<[entry: string, bundle: string]> = [
  ['tools/bin/hook-post-tool-use.ts', HOOK_BUNDLE],
  ['tools/bin/hook-session.ts', SESSION_HOOK_BUNDLE],
];
// The bundle as git has it (the index: committed, or staged for the next commit), not the working
// file, which `npm run build` (and so `npm test`'s pretest) has just rewritten.
const committed = (bundle: string) => execFileSync('git', ['show', `:${bundle}`], { cwd: CANON_ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });

describe.each(BUNDLES)('the committed hook bundle of %s', (entry, bundle) => {
  test(`${bundle} is what a fresh build produces (run \`npm run build\` and commit it)`, async () => {
    // tools/build.mjs's own options; a fresh clone runs the committed file before any build.
    const result = await build({ ...hookBundleOptions(entry, bundle), logLevel: 'silent', absWorkingDir: CANON_ROOT });
    expect(result.outputFiles[0]!.text).toBe(committed(bundle));
  });

  test('imports only Node built-ins', () => {
    const specifiers = [...committed(bundle).matchAll(/(?:^|\n)\s*import\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map(
      (m) => m[1] ?? m[2]!,
    );
    expect(specifiers.length).toBeGreaterThan(0);
    const builtins = new Set(builtinModules);
    expect(specifiers.filter((s) => !(s.startsWith('node:') && builtins.has(s.slice(5))))).toEqual([]);
  });
});

describe('.claude/settings.json', () => {
  type Entry = { matcher?: string; hooks: { type: string; command: string; timeout: number }[] };
  const settings = () => JSON.parse(readFileSync(path.join(CANON_ROOT, '.claude/settings.json'), 'utf8')) as { hooks: Record<string, Entry[]> };
  const command = (bundle: string) => `node "$CLAUDE_PROJECT_DIR"/${bundle}`;

  test('registers the tool-call hook for successful and failed calls alike: matcher *, timeout 3, plain node', () => {
    const entry = [{ matcher: '*', hooks: [{ type: 'command', command: command(HOOK_BUNDLE), timeout: 3 }] }];
    expect(settings().hooks.PostToolUse).toEqual(entry);
    // A failed call (non-zero exit, missing file, MCP error) goes to PostToolUseFailure, never to PostToolUse.
    expect(settings().hooks.PostToolUseFailure).toEqual(entry);
  });

  test('registers the session hook for SessionStart (every source) and SessionEnd', () => {
    const { hooks } = settings();
    expect(hooks.SessionStart).toEqual([{ hooks: [{ type: 'command', command: command(SESSION_HOOK_BUNDLE), timeout: 10 }] }]);
    expect(hooks.SessionEnd).toEqual([{ hooks: [{ type: 'command', command: command(SESSION_HOOK_BUNDLE), timeout: 5 }] }]);
    expect(Object.keys(hooks).sort()).toEqual(['PostToolUse', 'PostToolUseFailure', 'SessionEnd', 'SessionStart']);
  });
});

describe("the Claude Code plugin's hooks (ADR-0028)", () => {
  test('plugin/hooks/ ships the same committed bundles, and hooks.json runs exactly those', () => {
    for (const [, bundle] of BUNDLES) expect(readFileSync(path.join(CANON_ROOT, 'plugin/hooks', path.basename(bundle)), 'utf8')).toBe(committed(bundle));
    const config = JSON.parse(readFileSync(path.join(CANON_ROOT, 'plugin/hooks/hooks.json'), 'utf8')) as {
      hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>>;
    };
    expect(Object.keys(config.hooks).sort()).toEqual(['PostToolUse', 'PostToolUseFailure', 'SessionEnd', 'SessionStart']);
    for (const [event, groups] of Object.entries(config.hooks)) {
      const bundle = event.startsWith('Session') ? 'session.mjs' : 'post-tool-use.mjs';
      for (const command of groups.flatMap((g) => g.hooks.map((h) => h.command))) {
        expect(command).toBe(
          `f="$CLAUDE_PROJECT_DIR/node_modules/canon-notes/plugin/hooks/${bundle}"; [ -f "$f" ] || f="\${CLAUDE_PLUGIN_ROOT}/hooks/${bundle}"; exec node "$f"`,
        );
      }
    }
  });
});
