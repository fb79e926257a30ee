import { afterEach, describe, expect, test } from '@jest/globals';
import { readdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { createGitRepo, runCli, type GitRepo } from '../helpers/git-repo.js';

let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Write a file under .claude/state with an mtime `ageMs` in the past. */
function aged(r: GitRepo, rel: string, ageMs: number, text = '{"tool":"Bash"}\n'): void {
  const file = r.write(`.claude/state/${rel}`, text);
  const at = new Date(Date.now() - ageMs);
  utimesSync(file, at, at);
}

const stateFiles = (r: GitRepo) => {
  const dir = path.join(r.dir, '.claude/state');
  return [...readdirSync(dir).filter((n) => n !== 'archive'), ...readdirSync(path.join(dir, 'archive')).map((n) => `archive/${n}`)].sort();
};

describe('session gc prunes telemetry journals and archives by age', () => {
  test('dry run lists, --apply removes old journals, state files and archives; live sessions are kept whole', () => {
    repo = createGitRepo();
    aged(repo, 'session-old.jsonl', 10 * DAY);
    aged(repo, 'session-old.json', 9 * DAY, '{}\n');
    // A session whose state is old but whose journal was appended to an hour ago is live: keep both files.
    aged(repo, 'session-live.json', 20 * DAY, '{}\n');
    aged(repo, 'session-live.jsonl', HOUR);
    aged(repo, 'session-fresh.jsonl', 5 * 60_000);
    aged(repo, 'archive/session-a.2026-01-01T00-00-00-000Z.json', 40 * DAY, '{}\n');
    aged(repo, 'archive/session-a.2026-01-01T00-00-00-000Z.jsonl', 40 * DAY);
    aged(repo, 'archive/session-b.2026-05-01T00-00-00-000Z.json', 2 * DAY, '{}\n');
    aged(repo, 'hook-errors.log', 100 * DAY, 'x\n');
    const before = stateFiles(repo);

    const dry = runCli(['session', 'gc', '--json'], { cwd: repo.dir, env: repo.env });
    expect(dry.code).toBe(0);
    const expected = [
      '.claude/state/archive/session-a.2026-01-01T00-00-00-000Z.json',
      '.claude/state/archive/session-a.2026-01-01T00-00-00-000Z.jsonl',
      '.claude/state/session-old.json',
      '.claude/state/session-old.jsonl',
    ];
    expect(JSON.parse(dry.stdout)).toEqual({ dry_run: true, stale: expected, removed: [] });
    expect(stateFiles(repo)).toEqual(before);

    const text = runCli(['session', 'gc'], { cwd: repo.dir, env: repo.env });
    expect(text.stdout).toMatch(/\.claude\/state\/session-old\.jsonl {2}\(last written 9d \d+h ago\)/);
    expect(text.stderr).toContain('Nothing was removed');

    const apply = runCli(['session', 'gc', '--apply', '--json'], { cwd: repo.dir, env: repo.env });
    expect(apply.code).toBe(0);
    expect(JSON.parse(apply.stdout)).toEqual({ dry_run: false, stale: expected, removed: expected });
    expect(stateFiles(repo)).toEqual([
      'archive/session-b.2026-05-01T00-00-00-000Z.json',
      'hook-errors.log',
      'session-fresh.jsonl',
      'session-live.json',
      'session-live.jsonl',
    ]);
  });

  test('the bounds can be set; a bad one is a usage error naming the option', () => {
    repo = createGitRepo();
    aged(repo, 'session-x.jsonl', 3 * HOUR);
    aged(repo, 'archive/session-y.2026-05-01T00-00-00-000Z.json', 3 * HOUR, '{}\n');
    const r = runCli(['session', 'gc', '--telemetry-older-than', '2h', '--archive-older-than', '1h', '--apply', '--json'], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).removed).toEqual(['.claude/state/archive/session-y.2026-05-01T00-00-00-000Z.json', '.claude/state/session-x.jsonl']);
    const bad = runCli(['session', 'gc', '--telemetry-older-than', 'soon'], { cwd: repo.dir, env: repo.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--telemetry-older-than "soon" is not an age');
  });

  test('a store without .claude/state is fine', () => {
    repo = createGitRepo();
    const r = runCli(['session', 'gc', '--apply', '--json'], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ dry_run: false, stale: [], removed: [] });
  });
});
