import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { chmodSync } from 'node:fs';
import { parseNote } from '../../tools/core/frontmatter.js';
import { ADR_FILES, ADR_RENAMES, createAdrRepo } from '../helpers/adr-formats.js';
import { commitAs } from '../helpers/backfill-legacy.js';
import { installHooks, runCli, type GitRepo } from '../helpers/git-repo.js';
import { repoTemplate } from '../helpers/repo-template.js';

let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

/**
 * The team's ADRs with their history (one commit per file, by its author), built once for the file
 * and copied per test: backfill reads that history, not how the test got it (docs/guides/contributing.md).
 */
const adrs = repoTemplate(() => createAdrRepo());
afterAll(() => adrs.cleanup());

const cli = (r: GitRepo, args: string[]) => runCli(['backfill', ...args], { cwd: r.dir, env: r.env });
const commitCount = (r: GitRepo) => Number(r.git(['rev-list', '--count', 'HEAD']).stdout.trim());
const original = (rel: string) => ADR_FILES.find((f) => f.rel === rel)!.text;
const renamed = (rel: string) => ADR_RENAMES[rel] ?? rel;
const data = (r: GitRepo, rel: string) => parseNote(r.read(rel)).data;

/** The body each file must have after backfill: its own bytes, with only the links to renamed files changed. */
function expectedBody(rel: string): string {
  const text = original(rel);
  const note = parseNote(text);
  let body = note.hasFrontmatter ? note.body : text;
  for (const [from, to] of Object.entries(ADR_RENAMES)) {
    const [a, b] = [from.split('/').pop()!, to.split('/').pop()!];
    body = body.replace(new RegExp(`\\]\\((\\.\\./adr/|\\./)?${a.replace(/\./g, '\\.')}`, 'g'), (m) => m.replace(a, b));
    body = body.replace(new RegExp(`^(\\[[^\\]]+\\]: )${a.replace(/\./g, '\\.')}$`, 'gm'), `$1${b}`);
  }
  return body;
}

describe("canon backfill on a team's ADRs written for adr-tools, MADR and log4brains", () => {
  test('a dry run proposes the renames, the link updates and the statuses from the bodies, and changes nothing', () => {
    repo = adrs.copy();
    const head = repo.head();
    const json = cli(repo, ['--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { changed: number; renamed: number; files: Array<{ file: string; changes: Array<Record<string, unknown>> }> };
    expect(report).toMatchObject({ changed: 6, renamed: 3 });
    const changes = (rel: string) => report.files.find((f) => f.file === rel)!.changes;
    expect(changes('docs/adr/001-use-postgres.md')).toEqual(
      expect.arrayContaining([
        { action: 'rename', to: 'docs/adr/0001-use-postgres.md' },
        { action: 'links', links: [{ from: '0003_use_cockroachdb.md', to: '0003-use-cockroachdb.md' }] },
        { action: 'add', key: 'status', value: 'superseded', source: 'the `## Status` section' },
        { action: 'add', key: 'date', value: '2024-03-01', source: 'the `Date:` line' },
        { action: 'add', key: 'title', value: 'Use Postgres', source: 'the first heading' },
      ]),
    );
    expect(changes('docs/adr/0004-drop-redis.md')).toEqual(
      expect.arrayContaining([
        { action: 'convert', key: 'status', from: 'rejected', value: 'deprecated' },
        { action: 'add', key: 'status_original', value: 'rejected', source: '`status`' },
      ]),
    );
    expect(changes('docs/learnings/postgres-limits.md')).toContainEqual({
      action: 'links',
      links: [
        { from: '../adr/001-use-postgres.md', to: '../adr/0001-use-postgres.md' },
        { from: '../adr/0003_use_cockroachdb.md', to: '../adr/0003-use-cockroachdb.md' },
      ],
    });

    const human = cli(repo, []);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('docs/adr/adr-002-use-madr.md\n  → rename to docs/adr/0002-use-madr.md  (git mv: history follows)\n');
    expect(human.stdout).toContain('  + status: proposed  (from the `Status:` line)\n  + status_original: draft  (from the `Status:` line)\n');
    expect(human.stdout).toContain('  ↪ link ./adr-002-use-madr.md → ./0002-use-madr.md  (the linked file is renamed)\n');
    expect(human.stderr).toContain('Dry run: 6 of 6 note(s) would change (3 renamed with git mv). Run `canon backfill --apply`');
    expect(repo.head()).toBe(head);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
  });

  test('--apply renames with git mv, fills the keys from each format, keeps every body byte but the links, in one commit; a second run changes nothing', () => {
    repo = adrs.copy();
    const count = commitCount(repo);
    const result = cli(repo, ['--apply']);
    expect(result.stderr).toMatch(/Backfilled 6 note\(s\) \(3 renamed with git mv\) in one commit [0-9a-f]{12}\./);
    expect(result.code).toBe(0);
    expect(commitCount(repo)).toBe(count + 1);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');

    const touched = repo.git(['show', '--name-status', '--no-renames', '--format=', 'HEAD']).stdout.trim().split('\n').sort();
    expect(touched).toEqual(
      [
        ...Object.keys(ADR_RENAMES).map((f) => `D\t${f}`),
        ...Object.values(ADR_RENAMES).map((f) => `A\t${f}`),
        'M\tdocs/adr/0004-drop-redis.md',
        'M\tdocs/adr/0005-use-log4brains.md',
        'M\tdocs/learnings/postgres-limits.md',
      ].sort(),
    );
    for (const from of Object.keys(ADR_RENAMES)) expect(repo.exists(from)).toBe(false);

    for (const file of ADR_FILES) expect(parseNote(repo.read(renamed(file.rel))).body).toBe(expectedBody(file.rel));

    expect(data(repo, 'docs/adr/0001-use-postgres.md')).toMatchObject({
      title: 'Use Postgres',
      kind: 'adr',
      external_id: 'ADR-0001',
      status: 'superseded',
      date: '2024-03-01',
      legacy_notes: [],
    });
    expect(data(repo, 'docs/adr/0002-use-madr.md')).toMatchObject({
      title: 'Use MADR for decisions',
      external_id: 'ADR-0002',
      status: 'accepted',
      date: '2024-03-05',
      deciders: ['Roman', 'Sergei'],
    });
    expect(data(repo, 'docs/adr/0003-use-cockroachdb.md')).toMatchObject({
      title: 'Use CockroachDB',
      status: 'accepted',
      date: '2024-04-01',
      supersedes: 'ADR-0001',
    });
    const redis = data(repo, 'docs/adr/0004-drop-redis.md');
    expect(redis).toMatchObject({ status: 'deprecated', status_original: 'rejected', date: '2024-05-01', deciders: ['Roman'], 'decision-makers': 'Roman' });
    expect(redis.legacy_notes).toEqual([{ key: 'status', value: 'rejected' }]);
    expect(data(repo, 'docs/adr/0005-use-log4brains.md')).toMatchObject({
      status: 'proposed',
      status_original: 'draft',
      date: '2024-06-01',
      deciders: ['Sergei'],
      tags: ['docs', 'process'],
    });
    // The fenced `Date: 1999-01-01` in ADR 3 is prose, not its date.
    expect(repo.read('docs/adr/0003-use-cockroachdb.md')).toContain('```\nDate: 1999-01-01\nsee (001-use-postgres.md)\n```\n');

    // The longer ADR's history follows its rename (git's default 50% similarity).
    const log = repo.git(['log', '--follow', '--format=%s', '--', 'docs/adr/0003-use-cockroachdb.md']).stdout.trim().split('\n');
    expect(log.at(-1)).toBe('add docs/adr/0003_use_cockroachdb.md');

    const validate = runCli(['validate', '--all', '--strict'], { cwd: repo.dir, env: repo.env });
    expect(validate.stdout).toBe('');
    expect(validate.code).toBe(0);

    const head = repo.head();
    const again = cli(repo, ['--apply']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('Nothing to backfill: all 6 note(s)');
    expect(repo.head()).toBe(head);
    expect(repo.git(['diff', '--quiet'], { allowFail: true }).code).toBe(0);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
  });

  test('a rename onto an existing file, or two ADRs that would share a number, is reported and nothing of them is written', () => {
    const canonical = {
      rel: 'docs/adr/0001-use-postgres.md',
      author: 'sergei@example.com',
      date: '2024-03-03',
      text: '# 1. Use Postgres again\n\n## Status\n\nAccepted\n',
    };
    // The team's ADRs, then the canonical-named one committed by its own author on its own date.
    repo = adrs.copy();
    repo.write(canonical.rel, canonical.text);
    repo.git(['add', '--', canonical.rel]);
    commitAs(repo, canonical.author, canonical.date, `add ${canonical.rel}`);
    const result = cli(repo, ['--apply']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('docs/adr/001-use-postgres.md:1:1: error would be renamed to docs/adr/0001-use-postgres.md, but that file already exists');
    expect(result.stdout).toMatch(/docs\/adr\/0001-use-postgres\.md:1:1: error \/external_id "ADR-0001" is also the id of docs\/adr\/001-use-postgres\.md/);
    expect(repo.read('docs/adr/001-use-postgres.md')).toBe(original('docs/adr/001-use-postgres.md'));
    expect(repo.read('docs/adr/0001-use-postgres.md')).toBe(canonical.text);
    // Files that link to the ADR that stays put keep their links; the rest is committed.
    expect(repo.read('docs/adr/0002-use-madr.md')).toContain('[the first decision](001-use-postgres.md#decision)');
    expect(repo.read('docs/learnings/postgres-limits.md')).toContain('[ADR 1](../adr/001-use-postgres.md) and [ADR 3](../adr/0003-use-cockroachdb.md)');
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
  });

  test('a status canon has no word for is reported, never guessed', () => {
    const wip = {
      rel: 'docs/adr/0001-try-kafka.md',
      author: 'roman@example.com',
      date: '2024-02-01',
      text: '# 1. Try Kafka\n\nDate: 2024-02-01\n\n## Status\n\nWIP\n',
    };
    repo = createAdrRepo({ files: [wip] });
    const result = cli(repo, ['--apply']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/docs\/adr\/0001-try-kafka\.md:\d+:1: error \/status is missing and the `## Status` section says "WIP"/);
    expect(result.stdout).not.toContain('+ status:');
    expect(repo.read(wip.rel)).toBe(wip.text);
  });

  test("through canon's hooks: backfill commits; a new ADR in the old format is refused with a hint naming canon backfill, and backfill then takes it", () => {
    // canon's hooks laid the way `npm install` does, committed past them: the commits under test go through them.
    repo = adrs.copy();
    installHooks(repo.dir, repo.env);
    repo.git(['add', '-A']);
    repo.git(['-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'canon hooks']);
    const applied = cli(repo, ['--apply']);
    expect(applied.stderr).toMatch(/Backfilled 6 note\(s\)/);
    expect(applied.code).toBe(0);
    expect(repo.git(['show', '--name-only', '--format=', 'HEAD']).stdout).toContain('docs/adr/INDEX.md');
    expect(runCli(['index', '--check'], { cwd: repo.dir, env: repo.env }).code).toBe(0);

    const head = repo.head();
    const text = '# 6. Use Kafka\n\nDate: 2024-07-01\n\n## Status\n\nProposed\n\n## Context\n\nEvents.\n';
    repo.write('docs/adr/0006-use-kafka.md', text);
    repo.git(['add', '--', 'docs/adr/0006-use-kafka.md']);
    const refused = repo.git(['commit', '-q', '-m', 'adr 6'], { allowFail: true });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(
      /docs\/adr\/0006-use-kafka\.md:1:1: error has no front matter .*ADR in the adr-tools, MADR or log4brains format, run `canon backfill`/,
    );
    expect(repo.head()).toBe(head);
    expect(repo.read('docs/adr/0006-use-kafka.md')).toBe(text);

    commitAs(repo, 'roman@example.com', '2024-07-01', 'adr 6, hooks skipped');
    const taken = cli(repo, ['--apply']);
    expect(taken.code).toBe(0);
    expect(data(repo, 'docs/adr/0006-use-kafka.md')).toMatchObject({ title: 'Use Kafka', status: 'proposed', date: '2024-07-01', external_id: 'ADR-0006' });
    expect(runCli(['validate', '--all', '--strict'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
  });
});

describe('an interrupted --apply with renames', () => {
  test('a refusing hook leaves the renames staged; running again picks them up and makes the one commit', () => {
    repo = adrs.copy();
    const count = commitCount(repo);
    const hooks = `${repo.dir}/../refusing-hooks`;
    repo.write('../refusing-hooks/pre-commit', '#!/bin/sh\necho "policy says no" >&2\nexit 1\n');
    repo.git(['config', 'core.hooksPath', hooks]);
    chmodSync(`${hooks}/pre-commit`, 0o755);

    const refused = cli(repo, ['--apply']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('policy says no');
    expect(commitCount(repo)).toBe(count);
    expect(repo.exists('docs/adr/0001-use-postgres.md')).toBe(true);
    expect(repo.exists('docs/adr/001-use-postgres.md')).toBe(false);

    repo.git(['config', '--unset', 'core.hooksPath']);
    const again = cli(repo, ['--apply']);
    expect(again.stderr).toContain('picking up 6 file(s) an interrupted backfill already wrote');
    expect(again.stderr).toMatch(/Backfilled 6 note\(s\) \(3 renamed with git mv\)/);
    expect(again.code).toBe(0);
    expect(commitCount(repo)).toBe(count + 1);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
    for (const file of ADR_FILES) expect(parseNote(repo.read(renamed(file.rel))).body).toBe(expectedBody(file.rel));
    expect(runCli(['validate', '--all', '--strict'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    expect(cli(repo, []).stderr).toContain('Nothing to backfill');
  });
});
