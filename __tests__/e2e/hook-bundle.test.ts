import { describe, expect, test } from '@jest/globals';
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { CANON_ROOT } from '../helpers/git-repo.js';
import { HOOK_BUNDLE } from '../helpers/hook.js';

const committed = () => readFileSync(path.join(CANON_ROOT, HOOK_BUNDLE), 'utf8');

describe('the committed hook bundle', () => {
  test('is what a fresh build of tools/bin/hook-post-tool-use.ts produces (run `npm run build` and commit it)', async () => {
    // The same options as tools/build.mjs; a fresh clone runs the committed file before any build.
    const result = await build({
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      legalComments: 'none',
      logLevel: 'silent',
      write: false,
      absWorkingDir: CANON_ROOT,
      entryPoints: ['tools/bin/hook-post-tool-use.ts'],
      outfile: HOOK_BUNDLE,
      packages: 'external',
    });
    expect(result.outputFiles[0]!.text).toBe(committed());
  });

  test('imports only Node built-ins', () => {
    const specifiers = [...committed().matchAll(/(?:^|\n)\s*import\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map(
      (m) => m[1] ?? m[2]!,
    );
    expect(specifiers.length).toBeGreaterThan(0);
    const builtins = new Set(builtinModules);
    expect(specifiers.filter((s) => !(s.startsWith('node:') && builtins.has(s.slice(5))))).toEqual([]);
  });

  test('is registered in .claude/settings.json as Claude Code expects: matcher *, timeout 3, plain node', () => {
    const settings = JSON.parse(readFileSync(path.join(CANON_ROOT, '.claude/settings.json'), 'utf8')) as {
      hooks: { PostToolUse: { matcher: string; hooks: { type: string; command: string; timeout: number }[] }[] };
    };
    expect(settings.hooks.PostToolUse).toEqual([
      { matcher: '*', hooks: [{ type: 'command', command: `node "$CLAUDE_PROJECT_DIR"/${HOOK_BUNDLE}`, timeout: 3 }] },
    ]);
  });
});
