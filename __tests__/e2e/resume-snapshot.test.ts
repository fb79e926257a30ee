import { afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createGitRepo, runCli, type GitRepo } from '../helpers/git-repo.js';
import { installHookBundle, runSessionHook } from '../helpers/hook.js';
import { sessionNote, workstreamNote } from '../helpers/notes.js';

/**
 * resume's warm path reuses the last dashboard while a fingerprint of the store holds. Files written
 * in the last two seconds are too young to trust, so the tests age everything first, as time would.
 */
let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

const today = new Date().toISOString().slice(0, 10);
const id = (nn: number) => `RT-${today.slice(2).replace(/-/g, '')}-${String(nn).padStart(2, '0')}`;
const SNAPSHOT = '.claude/state/resume-view.json';
const CACHE = '.claude/state/resume-cache.json';

/** Set every file and folder of the work tree (and the index) an hour back. */
function age(dir: string): void {
  const past = new Date(Date.now() - 3_600_000);
  const walk = (p: string) => {
    for (const name of readdirSync(p)) {
      const full = path.join(p, name);
      if (name === 'objects') continue;
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      utimesSync(full, past, past);
    }
    utimesSync(p, past, past);
  };
  walk(dir);
}

function resume(r: GitRepo, env: Record<string, string> = {}) {
  const out = runCli(['resume', '--json'], { cwd: r.dir, env: { ...r.env, OPERATOR: 'roman', ...env } });
  expect(out.code).toBe(0);
  return JSON.parse(out.stdout) as { last_session: { id: string; title: string } | null; sessions_count: number; operator: { slug: string } };
}

function store(): GitRepo {
  const r = createGitRepo({
    files: {
      '.gitignore': '.claude/state/\n',
      [`docs/sessions/${id(1)}.md`]: sessionNote(id(1), { title: 'First', date: today }),
      [`docs/sessions/${id(2)}.md`]: sessionNote(id(2), { title: 'Second', date: today }),
      'workstreams/flip.md': workstreamNote('flip'),
    },
  });
  r.git(['add', '-A']);
  r.git(['commit', '-qm', 'store']);
  resume(r); // the operator cache and the resume cache
  age(r.dir);
  expect(resume(r).last_session?.title).toBe('Second');
  expect(existsSync(path.join(r.dir, SNAPSHOT))).toBe(true);
  return r;
}

describe('resume from its snapshot', () => {
  // One store for both promises: the snapshot the first part proves warm is the one the edit must not be answered from.
  test('an unchanged store answers from the snapshot: the resume cache is not even read or rewritten; a tracked note edited in place, not staged, is then seen at once', () => {
    repo = store();
    rmSync(path.join(repo.dir, CACHE));
    expect(resume(repo).last_session?.title).toBe('Second');
    expect(existsSync(path.join(repo.dir, CACHE))).toBe(false);

    const rel = `docs/sessions/${id(2)}.md`;
    writeFileSync(path.join(repo.dir, rel), sessionNote(id(2), { title: 'Second, edited', date: today }));
    expect(resume(repo).last_session?.title).toBe('Second, edited');
  });

  test('a new untracked note, and then an in-place edit of it, are seen', () => {
    repo = store();
    const rel = `docs/sessions/${id(3)}.md`;
    writeFileSync(path.join(repo.dir, rel), sessionNote(id(3), { title: 'Third', date: today }));
    expect(resume(repo).last_session?.id).toBe(id(3));
    age(repo.dir);
    expect(resume(repo).last_session?.title).toBe('Third');
    writeFileSync(path.join(repo.dir, rel), sessionNote(id(3), { title: 'Third, edited', date: today }));
    expect(resume(repo).last_session?.title).toBe('Third, edited');
  });

  test('a removed note, a staged change and another operator each get their own answer', () => {
    repo = store();
    rmSync(path.join(repo.dir, `docs/sessions/${id(2)}.md`));
    expect(resume(repo).last_session?.id).toBe(id(1));
    repo.git(['checkout', '--', '.']);
    age(repo.dir);
    expect(resume(repo).last_session?.id).toBe(id(2));
    expect(resume(repo, { OPERATOR: 'sergei' }).last_session).toBeNull();
    expect(resume(repo).sessions_count).toBe(2);
  });
});

describe("the entry's warm resume (bin/canon.ts) answers exactly as the full command would", () => {
  const run = (r: GitRepo, args: string[], env: Record<string, string> = {}) =>
    runCli(args, { cwd: r.dir, env: { ...r.env, OPERATOR: 'roman', NO_COLOR: '1', ...env } });

  // One store for three promises, in turn: the snapshot the first part leaves warm is the one the bad
  // arguments must not be answered from, and the operator part's git config changes come last.
  test('text and JSON from the snapshot equal the rebuilt dashboard, for every plain form of the arguments; bad arguments are refused as before, however warm the snapshot is; an operator whose cached answer came from git config is confirmed against git on each warm run', () => {
    repo = store();
    const cold = run(repo, ['resume', '--no-cache', '--limit', '1']);
    expect(cold.code).toBe(0);
    rmSync(path.join(repo.dir, CACHE));
    age(repo.dir);
    run(repo, ['resume', '--limit', '1']); // leaves the snapshot for --limit 1
    rmSync(path.join(repo.dir, CACHE));
    for (const args of [
      ['resume', '--limit', '1'],
      ['resume', '--limit=1'],
      ['resume', '--operator', 'roman', '--limit', '1'],
      ['resume', '--debug', '--limit=1'],
    ]) {
      const warm = run(repo, args);
      expect({ args, code: warm.code, stdout: warm.stdout, stderr: warm.stderr }).toEqual({ args, code: 0, stdout: cold.stdout, stderr: cold.stderr });
    }
    // The warm path never rebuilt the dashboard: the resume cache it would have written is still gone.
    expect(existsSync(path.join(repo.dir, CACHE))).toBe(false);
    // And it answered from the entry alone: node's module loader never reached the full command line.
    const traced = run(repo, ['resume', '--limit', '1'], { NODE_DEBUG: 'esm' });
    expect(traced.stdout).toBe(cold.stdout);
    expect(traced.stderr).toMatch(/dist\/canon\.js/);
    expect(traced.stderr).not.toMatch(/dist\/cli\.js/);
    expect(run(repo, ['resume', '--no-cache', '--limit', '1'], { NODE_DEBUG: 'esm' }).stderr).toMatch(/dist\/cli\.js/);

    // Bad arguments are refused as before, however warm the snapshot is.
    const zero = run(repo, ['resume', '--limit', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/limit/i);
    const unknown = run(repo, ['resume', '--limti', '3']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option/);
    const nobody = run(repo, ['resume', '--operator', 'nobody-here']);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toMatch(/nobody-here/);
    const help = run(repo, ['resume', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: canon resume/);

    // An operator whose cached answer came from git config is confirmed against git on each warm run.
    const env = { OPERATOR: '' };
    repo.git(['config', 'user.email', 'roman@example.com']);
    expect(JSON.parse(run(repo, ['resume', '--json'], env).stdout).operator.slug).toBe('roman');
    age(repo.dir);
    expect(JSON.parse(run(repo, ['resume', '--json'], env).stdout).operator.slug).toBe('roman');
    repo.git(['config', 'user.email', 'sergei@example.com']);
    const other = run(repo, ['resume', '--json'], env);
    expect(other.code).toBe(0);
    expect(JSON.parse(other.stdout).operator.slug).toBe('sergei');
  });
});

describe('the fingerprint is read without git (ADR-0040): what it watches, and what it leaves to the next change', () => {
  const OLD = 'RT-250101-01';
  const OLD_PEER = 'SK-250101-01';
  /** A store with old notes (the peer's is outside every watched set), a peer's note of today and workstreams, warm. */
  function watchedStore(): GitRepo {
    const r = createGitRepo({
      files: {
        '.gitignore': '.claude/state/\n',
        [`docs/sessions/${OLD}.md`]: sessionNote(OLD, { title: 'Old', date: '2025-01-01' }),
        [`docs/sessions/${OLD_PEER}.md`]: sessionNote(OLD_PEER, { title: 'Old peer', operator: 'sergei', date: '2025-01-01' }),
        [`docs/sessions/${id(1)}.md`]: sessionNote(id(1), { title: 'First', date: today }),
        [`docs/sessions/SK-${id(1).slice(3)}.md`]: sessionNote(`SK-${id(1).slice(3)}`, { title: 'Peer', operator: 'sergei', date: today }),
        'workstreams/flip.md': workstreamNote('flip'),
        'workstreams/flop.md': workstreamNote('flop', { owner: 'sergei', status: 'done' }),
      },
    });
    r.git(['add', '-A']);
    r.git(['commit', '-qm', 'store']);
    resume(r);
    age(r.dir);
    resume(r); // leaves the snapshot
    expect(existsSync(path.join(r.dir, SNAPSHOT))).toBe(true);
    return r;
  }
  type View = ReturnType<typeof resume> & {
    peers: Array<{ id: string; title: string }>;
    workstreams: { mine: Array<{ slug: string }>; others: Array<{ slug: string }> };
  };
  const view = (r: GitRepo, args: string[] = []) => {
    const out = runCli(['resume', '--json', ...args], { cwd: r.dir, env: { ...r.env, OPERATOR: 'roman' } });
    expect(out.code).toBe(0);
    return JSON.parse(out.stdout) as View;
  };
  /** Rewrite a note where it is (same inode, folder untouched), as an editor saving in place does. */
  const editInPlace = (r: GitRepo, rel: string, text: string) => {
    const before = statSync(path.join(r.dir, rel)).ino;
    writeFileSync(path.join(r.dir, rel), text);
    expect(statSync(path.join(r.dir, rel)).ino).toBe(before);
  };
  /** Let the run after a change write its snapshot again, as time would. */
  const settle = (r: GitRepo) => {
    age(r.dir);
    view(r);
  };

  test('in-place edits of watched notes, a new note, a branch switch and a pull are each seen on the next run, by the hook too', async () => {
    repo = watchedStore();
    installHookBundle(repo);
    // Another operator's workstream, done until now: every workstream is watched, shown or not.
    editInPlace(repo, 'workstreams/flop.md', workstreamNote('flop', { owner: 'sergei', status: 'active' }));
    expect(view(repo).workstreams.others.map((w) => w.slug)).toEqual(['flop']);
    settle(repo);
    // A peer's session of today (the peer window is watched).
    editInPlace(repo, `docs/sessions/SK-${id(1).slice(3)}.md`, sessionNote(`SK-${id(1).slice(3)}`, { title: 'Peer, edited', operator: 'sergei', date: today }));
    expect(view(repo).peers.map((p) => p.title)).toEqual(['Peer, edited']);
    settle(repo);
    // A new, untracked note: the folder changed.
    writeFileSync(path.join(repo.dir, `docs/sessions/${id(2)}.md`), sessionNote(id(2), { title: 'Second', date: today }));
    expect(view(repo).last_session?.id).toBe(id(2));
    settle(repo);
    // ... and edited in place while still untracked.
    editInPlace(repo, `docs/sessions/${id(2)}.md`, sessionNote(id(2), { title: 'Second, edited', date: today }));
    expect(view(repo).last_session?.title).toBe('Second, edited');
    repo.git(['add', '-A']);
    repo.git(['commit', '-qm', 'second']);
    settle(repo);
    // A branch where the old note became today's latest; switching to it, and back.
    repo.git(['checkout', '-qb', 'other']);
    writeFileSync(path.join(repo.dir, `docs/sessions/${OLD}.md`), sessionNote(OLD, { title: 'Old, revived', date: today, ended_at: '2099-01-01T00:00:00Z' }));
    repo.git(['commit', '-qam', 'revive']);
    repo.git(['checkout', '-q', 'main']);
    settle(repo);
    expect(view(repo).last_session?.id).toBe(id(2));
    repo.git(['checkout', '-q', 'other']);
    expect(view(repo).last_session?.title).toBe('Old, revived');
    repo.git(['checkout', '-q', 'main']);
    settle(repo);
    expect(view(repo).last_session?.id).toBe(id(2));
    // A pull: the same change arriving by merge; the SessionStart hook reads the same snapshot (the
    // settle before the last view left it fresh).
    const hookInput = JSON.stringify({
      session_id: 's1',
      transcript_path: '/nowhere.jsonl',
      cwd: repo.dir,
      hook_event_name: 'SessionStart',
      source: 'startup',
    });
    const before = await runSessionHook(repo, hookInput, { OPERATOR: 'roman' });
    expect(before.stdout).toContain(`Last session: ${id(2)}`);
    repo.git(['merge', '-q', '--ff-only', 'other']);
    // This store has no canon for the hook's cold path: seeing the change, it gives no context
    // rather than the stale one; after a resume it reads the fresh answer.
    expect((await runSessionHook(repo, hookInput, { OPERATOR: 'roman' })).stdout).not.toContain(id(2));
    expect(view(repo).last_session?.title).toBe('Old, revived');
    expect((await runSessionHook(repo, hookInput, { OPERATOR: 'roman' })).stdout).toContain(`Last session: ${OLD}`);
  }, 180_000);

  test('an in-place edit of an old note nothing watches waits for the next change git or the folder sees; --no-cache reads it at once', () => {
    repo = watchedStore();
    const rel = `docs/sessions/${OLD_PEER}.md`;
    editInPlace(repo, rel, sessionNote(OLD_PEER, { title: 'Old peer, back', operator: 'sergei', date: today }));
    // The documented limit of the rule: the warm answer is the snapshot's.
    expect(view(repo).peers.map((p) => p.id)).toEqual([`SK-${id(1).slice(3)}`]);
    expect(view(repo, ['--no-cache']).peers.map((p) => p.title)).toContain('Old peer, back');
    // Any git command that rewrites the index brings it (here: staging it), as would a note added
    // or removed beside it.
    repo.git(['add', rel]);
    expect(view(repo).peers.map((p) => p.title)).toContain('Old peer, back');
    settle(repo);
    // Now in the peer window, the note is watched: its next in-place edit is seen at once.
    editInPlace(repo, rel, sessionNote(OLD_PEER, { title: 'Old peer, gone again', operator: 'sergei', date: '2025-01-01' }));
    expect(view(repo).peers.map((p) => p.id)).toEqual([`SK-${id(1).slice(3)}`]);
  }, 120_000);
});
