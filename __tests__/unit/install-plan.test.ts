import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CANON_HOOKS, mergeHookBlock, renderHookBlock } from '../../tools/core/hook-blocks.js';
import {
  mergeLineBlock,
  mergePackageScripts,
  mergeSettings,
  parseShortlog,
  removeLineBlock,
  removePackageScripts,
  removeSettings,
  renderLineBlock,
  renderOperatorsYaml,
} from '../../tools/core/install-plan.js';
import { CANON_ROOT } from '../helpers/git-repo.js';

describe('marked blocks', () => {
  test.each([[null], [''], ['npx lint-staged\n'], ['no newline at the end']])('merge then remove gives %p back; merging twice changes nothing', (before) => {
    const block = renderLineBlock(['INDEX.md merge=canon-index']);
    const once = mergeLineBlock(before, block);
    expect(mergeLineBlock(once, block)).toBe(once);
    expect(once.endsWith(block)).toBe(true);
    const addedNewline = before !== null && before !== '' && !before.endsWith('\n');
    expect(removeLineBlock(once, addedNewline)).toBe(before ?? '');
  });

  test.each([
    ['#!/bin/sh\nnpx lint-staged\n', 'last'],
    ['#!/bin/sh\nexec npx lint-staged\n', 'before exec'],
    ['#!/bin/sh\nexec npx lint-staged \\\n  --quiet\n# done\n', 'before exec'],
    ['#!/bin/sh\nnpx lint-staged\nexit $?', 'before exit'],
  ])("canon's hook block in %p goes %s, keeps the status before it, and comes out again", (before, where) => {
    const merged = mergeHookBlock(before, 'pre-commit');
    const block = renderHookBlock('pre-commit');
    expect(merged.split('\n')).toContain('canon_status=$?');
    if (where === 'last') expect(merged.endsWith(block)).toBe(true);
    else expect(merged.slice(merged.indexOf(block) + block.length)).toMatch(where === 'before exec' ? /^exec / : /^exit /);
    expect(mergeHookBlock(merged, 'pre-commit')).toBe(merged);
    expect(removeLineBlock(merged, where === 'last' && !before.endsWith('\n'))).toBe(before);
  });

  test("canon's own hook files are exactly what the installer writes (canon is wired by the same code)", () => {
    for (const hook of CANON_HOOKS) {
      const text = readFileSync(path.join(CANON_ROOT, '.husky', hook), 'utf8');
      // canon's own lines before the block (lint-staged on its sources, in pre-commit) are a team's lines.
      const own = text.slice(0, text.indexOf('# >>> canon >>>'));
      expect(text).toBe(own === '' ? mergeHookBlock(null, hook) : mergeHookBlock(own, hook));
    }
  });
});

describe('settings.json', () => {
  const team =
    '{\n    "hooks": {\n        "PostToolUse": [\n            { "matcher": "Bash", "hooks": [{ "type": "command", "command": "echo team" }] }\n        ]\n    },\n    "model": "x"\n}\n';
  const canon = { PostToolUse: [{ matcher: '*', hooks: [{ type: 'command', command: 'node "$CLAUDE_PROJECT_DIR"/.claude/hooks/post-tool-use.mjs' }] }] };
  test("canon entries are appended, the team's kept, in the file's own indentation; twice is once; removal keeps the team's", () => {
    const merged = mergeSettings(team, canon, ['post-tool-use.mjs']);
    expect(merged).toContain('        "PostToolUse"');
    const parsed = JSON.parse(merged);
    expect(parsed.hooks.PostToolUse).toHaveLength(2);
    expect(parsed.model).toBe('x');
    expect(mergeSettings(merged, canon, ['post-tool-use.mjs'])).toBe(merged);
    expect(JSON.parse(removeSettings(merged, ['post-tool-use.mjs']))).toEqual(JSON.parse(team));
  });
});

describe('package.json scripts', () => {
  test('prepare gains canon setup; free script names are added; taken ones are reported; removal restores', () => {
    const before = '{\n  "name": "x",\n  "scripts": {\n    "prepare": "husky",\n    "resume": "my-own"\n  }\n}\n';
    const { text, conflicts } = mergePackageScripts(before, { handoff: 'canon handoff', resume: 'canon resume' });
    expect(JSON.parse(text).scripts).toEqual({ prepare: 'husky && canon setup', resume: 'my-own', handoff: 'canon handoff' });
    expect(conflicts).toEqual(['resume']);
    expect(mergePackageScripts(text, { handoff: 'canon handoff' }).text).toBe(text);
    expect(removePackageScripts(text, { handoff: 'canon handoff', resume: 'canon resume' })).toBe(before);
  });

  test("yarn's postinstall gains canon setup instead (yarn never runs prepare); removal restores", () => {
    const before = '{\n  "name": "x",\n  "scripts": {\n    "postinstall": "husky",\n    "prepare": "tsc"\n  }\n}\n';
    const { text } = mergePackageScripts(before, { canon: 'canon' }, 'postinstall');
    expect(JSON.parse(text).scripts).toEqual({ postinstall: 'husky && canon setup', prepare: 'tsc', canon: 'canon' });
    expect(mergePackageScripts(text, { canon: 'canon' }, 'postinstall').text).toBe(text);
    expect(removePackageScripts(text, { canon: 'canon' })).toBe(before);
    const bare = '{ "name": "x" }\n';
    expect(JSON.parse(mergePackageScripts(bare, {}, 'postinstall').text).scripts).toEqual({ postinstall: 'canon setup' });
  });
});

describe('operators from git shortlog', () => {
  test('one operator per person, every email grouped, unique slugs and initials', () => {
    const authors = parseShortlog(
      '    12\tRoman T. <roman@example.com>\n     3\tRoman T. <RT@example.net>\n     2\tRosa Tan <rosa@example.com>\n     1\tbot <bot@ci.example>\n',
    );
    const yaml = renderOperatorsYaml(authors);
    expect(yaml).toContain('  - slug: roman\n    initials: RT\n    name: "Roman T."\n    emails: ["roman@example.com", "rt@example.net"]');
    expect(yaml).toMatch(/slug: rosa\n\s+initials: RT[A-Z]/);
    expect(yaml).toMatch(/slug: bot\n\s+initials: BO/);
  });
});
