import { describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseNote } from '../../tools/core/frontmatter.js';
import { adoptionRoad } from '../helpers/adoption-road.js';
import { createTeamRepo, teamRepoLifecycle, type TeamRepo } from '../helpers/team-repo.js';

/**
 * canon in a CommonJS team's own repository (the road in helpers/adoption-road.ts; the ESM team's,
 * with merges, a fresh clone, a worktree and doctor's fixes, is adoption-esm.test.ts), and
 * `canon init --obsidian` in an ESM team's.
 */
adoptionRoad('cjs');

const life = teamRepoLifecycle<TeamRepo>();

describe('canon init --obsidian', () => {
  test('lays the vault baseline and the templates, ignores per-user files, commits cleanly, and uninstall takes it out', () => {
    const t = (life.team = createTeamRepo('esm', life.tarball, { teamHooks: false }));
    // (That `init --dry-run` offers --obsidian here is asserted on this same fresh repository in adoption-esm.test.ts.)
    const init = t.canon(['init', '--yes', '--obsidian']);
    expect(init.code).toBe(0);
    const app = JSON.parse(t.read('.obsidian/app.json')) as Record<string, unknown>;
    expect(app).toMatchObject({ useMarkdownLinks: true, newLinkFormat: 'relative', alwaysUpdateLinks: true });
    expect(app.userIgnoreFilters).toEqual(expect.arrayContaining(['node_modules/', '.claude/', 'docs/sessions/TEMPLATE.md']));
    expect(JSON.parse(t.read('.obsidian/templates.json'))).toMatchObject({ folder: 'docs/templates' });
    expect(JSON.parse(t.read('.obsidian/core-plugins.json'))).toMatchObject({ templates: true, backlink: true, graph: true });
    expect(parseNote(t.read('docs/templates/session.md')).data.kind).toBe('session');
    // Obsidian's per-user state never reaches git; the baseline does.
    t.write('.obsidian/workspace.json', '{}\n');
    t.write('.obsidian/workspace-mobile.json', '{}\n');
    expect(t.git(['check-ignore', '.obsidian/workspace.json', '.obsidian/workspace-mobile.json']).code).toBe(0);
    expect(t.git(['check-ignore', '.obsidian/app.json']).code).toBe(1);
    t.git(['add', '-A']);
    const commit = t.git(['commit', '-qm', 'Adopt canon as a vault']);
    expect(commit.code).toBe(0);
    expect(t.git(['ls-files', '.obsidian', 'docs/templates']).stdout.trim().split('\n').sort()).toEqual(
      [
        '.obsidian/app.json',
        '.obsidian/core-plugins.json',
        '.obsidian/templates.json',
        ...['adr', 'learning', 'plan', 'session', 'workstream'].map((k) => `docs/templates/${k}.md`),
      ].sort(),
    );
    // The templates are not notes: the store's check (which still lists the team's legacy note for backfill) never names them.
    const validate = t.canon(['validate', '--all', '--json']);
    expect(JSON.parse(validate.stdout).files).toBeGreaterThan(0);
    expect(validate.stdout + validate.stderr).not.toMatch(/docs\/templates|\.obsidian/);
    expect(t.canon(['uninstall', '--yes']).code).toBe(0);
    expect(existsSync(path.join(t.dir, '.obsidian/app.json'))).toBe(false);
    expect(existsSync(path.join(t.dir, 'docs/templates/session.md'))).toBe(false);
  });
});
