import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseNote } from '../../tools/core/frontmatter.js';
import { commitAs, createLegacyRepo, LEGACY_FILES, RENAMED } from '../helpers/backfill-legacy.js';
import { installHooks, runCli, runCliAsync, type GitRepo } from '../helpers/git-repo.js';
import { repoTemplate } from '../helpers/repo-template.js';

let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

/**
 * The legacy store with its history (one commit per file, by its author), built once for the file and
 * copied per test: backfill reads that history, not how the test got it (docs/guides/contributing.md).
 */
const legacy = repoTemplate(() => createLegacyRepo());
afterAll(() => legacy.cleanup());

const cli = (r: GitRepo, args: string[]) => runCli(['backfill', ...args], { cwd: r.dir, env: r.env });
const commitCount = (r: GitRepo) => Number(r.git(['rev-list', '--count', 'HEAD']).stdout.trim());
const show = (r: GitRepo, rev: string, rel: string) => r.git(['show', `${rev}:${rel}`]).stdout;

interface LegacyNote {
  key: string;
  value: unknown;
}

/** Every original key keeps its bytes, or was converted with its original value kept in legacy_notes. */
function expectNothingLost(before: string, after: string): void {
  const old = parseNote(before);
  const now = parseNote(after);
  const legacy = (now.data.legacy_notes ?? []) as LegacyNote[];
  for (const entry of old.entries) {
    const kept = now.entries.find((e) => e.key === entry.key);
    if (kept?.text === entry.text) continue;
    expect(legacy).toContainEqual({ key: entry.key, value: old.data[entry.key] });
  }
  if (old.hasFrontmatter) expect(now.body).toBe(old.body);
  else expect(now.body).toBe(before.replace(/\r\n/g, '\n'));
  expect(after).not.toContain('\r');
  expect(Array.isArray(now.data.legacy_notes)).toBe(true);
}

describe('canon backfill on a legacy store with real history', () => {
  test('a dry run prints the plan and changes nothing', () => {
    repo = legacy.copy();
    const head = repo.head();
    const result = cli(repo, ['--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      dry_run: boolean;
      changed: number;
      commit: null;
      files: Array<{ file: string; changes: Array<Record<string, unknown>> }>;
    };
    expect(report.dry_run).toBe(true);
    expect(report.changed).toBe(LEGACY_FILES.length + 1);
    const buyer = report.files.find((f) => f.file === 'docs/sessions/CONV-30-buyer-journey.md')!;
    expect(buyer.changes).toContainEqual({ action: 'convert', key: 'external_id', from: 'CONV-30', value: 'CONV-30-buyer-journey' });
    expect(repo.head()).toBe(head);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');

    const human = cli(repo, []);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('+ owner: sergei  (from the original author sergei@example.com)');
    expect(human.stderr).toMatch(/Dry run: 11 of 11 note\(s\) would change/);
  });

  test('--apply makes one commit; the store validates strictly; nothing is lost; a second run changes nothing', () => {
    repo = legacy.copy();
    const before = repo.head();
    const count = commitCount(repo);
    const result = cli(repo, ['--apply']);
    expect(result.stderr).toMatch(/Backfilled 11 note\(s\) in one commit/);
    expect(result.code).toBe(0);
    expect(commitCount(repo)).toBe(count + 1);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
    const committed = repo.git(['show', '--name-only', '--format=', 'HEAD']).stdout.trim().split('\n').sort();
    expect(committed).toEqual([...LEGACY_FILES.map((f) => f.rel), RENAMED.to].sort());

    const validate = runCli(['validate', '--all', '--strict'], { cwd: repo.dir, env: repo.env });
    expect(validate.stdout).toBe('');
    expect(validate.code).toBe(0);

    for (const rel of [...LEGACY_FILES.map((f) => f.rel), RENAMED.to]) expectNothingLost(show(repo, before, rel), repo.read(rel));

    const data = (rel: string) => parseNote(repo!.read(rel)).data;
    expect(['CONV-30', 'CONV-30-buyer-journey', 'CONV-30-cloudflare'].map((id) => data(`docs/sessions/${id}.md`).external_id)).toEqual([
      'CONV-30',
      'CONV-30-buyer-journey',
      'CONV-30-cloudflare',
    ]);
    expect(data('workstreams/notion-sync.md').owner).toBe('sergei');
    expect(data('workstreams/repo-flip.md').owner).toBe('roman');
    expect(data(RENAMED.to).owner).toBe('sergei');

    const local = repo.read('docs/sessions/LOCAL-2026-05-11-1.md');
    expect(local).toContain('notion_page_id: pending-reconcile\n');
    expect(local).toContain('# written offline, reconcile with Notion later\ntitle: Offline session\n');
    expect(data('docs/sessions/LOCAL-2026-05-11-1.md')).toMatchObject({ operator: 'roman', date: '2026-05-11', kind: 'session', legacy_notes: [] });

    expect(data('docs/sessions/CONV-30.md')).toMatchObject({ operator: 'roman', tags: ['notion', 'sync'] });
    expect(data('docs/sessions/CONV-30-buyer-journey.md')).toMatchObject({
      operator: 'sergei',
      date: '2026-03-03',
      summary: 'Mapped the buyer journey end to end, with the checkout steps.',
    });
    expect(data('docs/sessions/CONV-30-cloudflare.md')).toMatchObject({ operator: 'sergei', date: '2026-03-04' });
    expect(data('docs/sessions/RT-260511-02.md')).toMatchObject({ title: 'Hook hardening', operator: 'roman', date: '2026-05-11' });
    expect(data('docs/adr/0001-use-git.md')).toMatchObject({ status: 'accepted', date: '2026-01-15', deciders: ['Roman', 'Sergei'] });
    expect(data('docs/plans/sync-plan.md')).toMatchObject({ status: 'in-progress', kind: 'plan', external_id: 'PLAN-sync-plan' });
    expect(data('workstreams/repo-flip.md')).toMatchObject({ status: 'active', external_id: 'WS-repo-flip' });

    const head = repo.head();
    const again = cli(repo, ['--apply']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('Nothing to backfill');
    expect(repo.head()).toBe(head);
    expect(repo.git(['diff', '--quiet'], { allowFail: true }).code).toBe(0);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
  });

  test('a workstream whose author maps to nobody is reported, left as it is, and the rest is committed', () => {
    const stranger = {
      rel: 'workstreams/mystery.md',
      author: 'dave@elsewhere.com',
      date: '2026-02-05',
      text: '---\ntitle: Mystery\n---\n## Goal\n\nUnknown.\n',
    };
    // The legacy store, then the stranger's file committed by its own author on its own date.
    repo = legacy.copy();
    repo.write(stranger.rel, stranger.text);
    repo.git(['add', '--', stranger.rel]);
    commitAs(repo, stranger.author, stranger.date, `add ${stranger.rel}`);
    const dry = cli(repo, []);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toMatch(
      /workstreams\/mystery\.md:\d+:1: error \/owner is missing and the file's original author dave@elsewhere\.com is not in \.claude\/operators\.yaml/,
    );

    const result = cli(repo, ['--apply', '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { changed: number; commit: string | null };
    expect(report.changed).toBe(11);
    expect(report.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(repo.read(stranger.rel)).toBe(stranger.text);
    expect(repo.git(['show', '--name-only', '--format=', 'HEAD']).stdout).not.toContain('mystery');
  });

  test('a dirty store refuses --apply and changes nothing', () => {
    repo = legacy.copy();
    const head = repo.head();
    const edited = `${repo.read('docs/plans/sync-plan.md')}\nmy edit\n`;
    repo.write('docs/plans/sync-plan.md', edited);
    const result = cli(repo, ['--apply']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('uncommitted changes');
    expect(result.stderr).toContain('  docs/plans/sync-plan.md');
    expect(result.stderr).toContain('No files were changed.');
    expect(repo.head()).toBe(head);
    expect(repo.read('docs/plans/sync-plan.md')).toBe(edited);
    expect(repo.read('docs/sessions/CONV-30.md')).toBe(LEGACY_FILES[0]!.text);
    expect(repo.exists('BACKFILL_LOCK')).toBe(false);
  });

  test('a refusing hook leaves the files written and staged; running again finishes with one commit', () => {
    repo = legacy.copy();
    const count = commitCount(repo);
    const hooks = path.join(repo.dir, '..', 'refusing-hooks');
    mkdirSync(hooks, { recursive: true });
    writeFileSync(path.join(hooks, 'pre-commit'), '#!/bin/sh\necho "policy says no" >&2\nexit 1\n', { mode: 0o755 });
    repo.git(['config', 'core.hooksPath', hooks]);

    const refused = cli(repo, ['--apply']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the backfill commit failed');
    expect(refused.stderr).toContain('policy says no');
    expect(commitCount(repo)).toBe(count);
    expect(parseNote(repo.read('workstreams/notion-sync.md')).data.owner).toBe('sergei');
    expect(repo.exists('BACKFILL_LOCK')).toBe(false);

    repo.git(['config', '--unset', 'core.hooksPath']);
    const again = cli(repo, ['--apply']);
    expect(again.stderr).toContain('picking up 11 file(s) an interrupted backfill already wrote');
    expect(again.code).toBe(0);
    expect(commitCount(repo)).toBe(count + 1);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
    expect(runCli(['validate', '--all', '--strict'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
  });

  test('a live BACKFILL_LOCK refuses the run and is left alone; a dead one is broken with a notice', () => {
    repo = legacy.copy();
    const held = `${JSON.stringify({ pid: process.pid, host: os.hostname(), started_at: '2026-05-11T10:00:00.000Z' })}\n`;
    repo.write('BACKFILL_LOCK', held);
    const refused = cli(repo, ['--apply']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`another backfill is running (pid ${process.pid}`);
    expect(repo.read('BACKFILL_LOCK')).toBe(held);
    expect(repo.git(['status', '--porcelain', '--untracked-files=no']).stdout).toBe('');

    // A pid that has exited (a shell's: as dead as any, for a fraction of a node start).
    const dead = spawnSync('sh', ['-c', 'printf %s $$'], { encoding: 'utf8' });
    repo.write('BACKFILL_LOCK', JSON.stringify({ pid: Number(dead.stdout), host: os.hostname(), started_at: '2026-05-11T10:00:00.000Z' }));
    const result = cli(repo, ['--apply']);
    expect(result.stderr).toContain(`removed a stale BACKFILL_LOCK left by pid ${dead.stdout}`);
    expect(result.code).toBe(0);
    expect(repo.exists('BACKFILL_LOCK')).toBe(false);
  });

  test('two concurrent --apply runs make exactly one backfill commit', async () => {
    repo = legacy.copy();
    const count = commitCount(repo);
    const env = repo.env;
    const results = await Promise.all([0, 1].map(() => runCliAsync(['backfill', '--apply'], { cwd: repo!.dir, env })));
    expect(commitCount(repo)).toBe(count + 1);
    expect(results.some((r) => r.code === 0 && r.stderr.includes('Backfilled 11'))).toBe(true);
    for (const r of results) expect(r.stderr).toMatch(/Backfilled 11|Nothing to backfill|another backfill is (running|starting)/);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
    expect(repo.exists('BACKFILL_LOCK')).toBe(false);
  });

  test('through husky + lint-staged the commit goes in, the hooks change nothing in the notes, and INDEX follows', () => {
    // canon's hooks laid the way `npm install` does, committed past them (only the backfill commit is the subject).
    repo = legacy.copy();
    installHooks(repo.dir, repo.env);
    repo.git(['add', '-A']);
    repo.git(['-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'canon hooks']);
    const before = repo.head();
    const result = cli(repo, ['--apply']);
    expect(result.stderr).toMatch(/Backfilled 11 note\(s\)/);
    expect(result.code).toBe(0);
    expect(repo.git(['rev-parse', 'HEAD~1']).stdout.trim()).toBe(before);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
    // The hooks normalise staged notes again: a no-op, so the committed bytes are backfill's.
    const report = JSON.parse(runCli(['backfill', '--json'], { cwd: repo.dir, env: repo.env }).stdout) as { changed: number };
    expect(report.changed).toBe(0);
    const files = repo.git(['show', '--name-only', '--format=', 'HEAD']).stdout;
    expect(files).toContain('docs/sessions/INDEX.md');
    expect(runCli(['validate', '--all', '--strict'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    expect(runCli(['index', '--check'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
  });
});
