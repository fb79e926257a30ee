import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { RESUME_CACHE_VERSION } from '../../tools/core/resume-cache-codec.js';
import { createGitRepo, runCli, type GitRepo } from '../helpers/git-repo.js';
import { frontmatter, sessionNote, workstreamNote } from '../helpers/notes.js';

const OPERATORS = `operators:
  - slug: roman
    initials: RT
    name: Roman T.
    emails: [roman@example.com]
  - slug: sergei
    initials: SK
    name: Sergei K.
    emails: [sergei@example.com]
  - slug: alex
    initials: AL
    emails: [alex@example.com]
  - slug: dana
    initials: DN
    emails: [dana@example.com]
`;

/** Dates relative to the real clock: the peer footer is "the last 7 days" of the day the test runs. */
function daysAgo(n: number): string {
  return new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
}
const idOf = (initials: string, date: string, nn: number) => `${initials}-${date.slice(2).replace(/-/g, '')}-${String(nn).padStart(2, '0')}`;

const TODAY = daysAgo(0);
const LAST = idOf('RT', TODAY, 2);
const PROMPT = `Continue the resume cache work from ${LAST}: wire the refresh into post-commit, then measure cold and warm runs on the synthetic store.\n\n- keep the cache keyed by content identity\n\nConfidence: high`;

function body(prompt: string): string {
  return `## Summary\n\nDid things.\n\n## Resume Prompt\n\n${prompt}\n\n## Telemetry\n\n- tool calls: 3\n`;
}

function buildStore(): GitRepo {
  const old = daysAgo(30);
  const recent = daysAgo(3);
  const r = createGitRepo({
    operators: false,
    files: {
      '.gitignore': '.claude/state/\n',
      '.claude/operators.yaml': OPERATORS,
      [`docs/sessions/${LAST}.md`]: sessionNote(LAST, { title: 'Resume cache', summary: 'Built the resume cache.', date: TODAY }, body(PROMPT)),
      [`docs/sessions/${idOf('RT', TODAY, 1)}.md`]: sessionNote(idOf('RT', TODAY, 1), { date: TODAY }, body('Older prompt.')),
      [`docs/sessions/${idOf('RT', old, 1)}.md`]: sessionNote(idOf('RT', old, 1), { date: old }),
      // A claim stub of a later NN must never become the "last session".
      [`docs/sessions/${idOf('RT', TODAY, 3)}.md`]: `---\nclaimed_at: ${TODAY}T09:00:00Z\noperator: roman\nkind: session\n---\n`,
      'docs/sessions/CONV-30.md': sessionNote('CONV-30', { date: recent, title: 'Legacy roman' }),
      'docs/sessions/CONV-30-buyer-journey.md': sessionNote('CONV-30-buyer-journey', { operator: 'sergei', date: recent, title: 'Legacy sergei' }),
      'docs/sessions/LOCAL-2026-01-01-1.md': sessionNote('LOCAL-2026-01-01-1', { operator: 'alex', date: '2026-01-01' }),
      [`docs/sessions/${idOf('SK', recent, 1)}.md`]: sessionNote(idOf('SK', recent, 1), { operator: 'sergei', date: recent, title: 'Sergei recent' }),
      [`docs/sessions/${idOf('SK', old, 1)}.md`]: sessionNote(idOf('SK', old, 1), { operator: 'sergei', date: old, title: 'Sergei old' }),
      [`docs/sessions/${idOf('AL', TODAY, 1)}.md`]: sessionNote(idOf('AL', TODAY, 1), { operator: 'alex', date: TODAY, title: 'Alex today' }),
      [`docs/sessions/${idOf('SK', TODAY, 1)}.md`]: '---\ntitle: [broken\noperator: sergei\n---\n## Summary\n',
      'docs/sessions/TEMPLATE.md': sessionNote('TEMPLATE', { date: TODAY, title: 'Template' }),
      'workstreams/flip.md': workstreamNote('flip', { priority: 'P1' }),
      'workstreams/hooks.md': workstreamNote('hooks', { status: 'blocked' }),
      'workstreams/later.md': workstreamNote('later', { status: 'paused' }),
      'workstreams/shipped.md': workstreamNote('shipped', { status: 'done' }),
      'workstreams/sync.md': workstreamNote('sync', { owner: 'sergei' }),
      'workstreams/idle.md': workstreamNote('idle', { owner: 'alex', status: 'paused' }),
    },
  });
  r.git(['add', '-A']);
  r.git(['commit', '-q', '-m', 'store']);
  return r;
}

let repo: GitRepo;
beforeAll(() => {
  repo = buildStore();
});
afterAll(() => repo.cleanup());

function resume(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCli(['resume', ...args], { cwd: repo.dir, env: { ...repo.env, ...env } });
}

interface View {
  operator: { slug: string; initials: string };
  last_session: { id: string; date: string; title: string; summary: string; resume_prompt: string; path: string } | null;
  sessions_count: number;
  sessions: Array<{ id: string; title: string | null }>;
  workstreams: { mine: Array<{ slug: string; status: string; priority: string | null }>; others: Array<{ slug: string; owner: string }> };
  peers: Array<{ id: string; operator: string }>;
  message: string | null;
}

describe('canon resume', () => {
  test('--json: last session with its Resume Prompt verbatim, workstreams, peers; the broken note skipped once on stderr', () => {
    const result = resume(['--operator', 'roman', '--json']);
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout) as View;
    expect(Object.keys(view)).toEqual(['operator', 'last_session', 'sessions_count', 'sessions', 'workstreams', 'peers', 'message', 'unfinished']);
    expect(view.operator).toEqual({ slug: 'roman', initials: 'RT' });
    expect(view.last_session).toEqual({
      id: LAST,
      date: TODAY,
      title: 'Resume cache',
      summary: 'Built the resume cache.',
      resume_prompt: PROMPT,
      path: `docs/sessions/${LAST}.md`,
    });
    expect(view.sessions_count).toBe(4);
    expect(view.sessions.map((s) => s.id)).toEqual([LAST, idOf('RT', TODAY, 1), 'CONV-30', idOf('RT', daysAgo(30), 1)]);
    expect(view.workstreams.mine).toEqual([
      { slug: 'flip', title: 'Workstream flip', status: 'active', priority: 'P1' },
      { slug: 'hooks', title: 'Workstream hooks', status: 'blocked', priority: null },
      { slug: 'later', title: 'Workstream later', status: 'paused', priority: null },
    ]);
    expect(view.workstreams.others).toEqual([{ slug: 'sync', title: 'Workstream sync', status: 'active', owner: 'sergei' }]);
    expect(view.peers.map((p) => p.id).sort()).toEqual([idOf('AL', TODAY, 1), 'CONV-30-buyer-journey', idOf('SK', daysAgo(3), 1)].sort());
    expect(view.peers[0]!.id).toBe(idOf('AL', TODAY, 1));
    expect(view.message).toBeNull();

    const broken = `docs/sessions/${idOf('SK', TODAY, 1)}.md`;
    expect(result.stderr.split(broken).length - 1).toBe(1);
    expect(result.stderr).toMatch(/skipped 1 note/);
  });

  test('the dashboard: readable, 80 columns, colour only when asked and never under NO_COLOR', () => {
    const plain = resume(['--operator', 'RT'], { NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toMatch(/\x1b\[/);
    for (const line of plain.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    expect(plain.stdout).toContain(`${LAST}  ${TODAY}`);
    expect(plain.stdout.replace(/\s+/g, ' ')).toContain(PROMPT.replace(/\s+/g, ' '));
    expect(plain.stdout).toMatch(/Your workstreams\n.*flip[^\n]*\n.*hooks[^\n]*\n.*later/);
    expect(plain.stdout).not.toContain('shipped');
    expect(plain.stdout).not.toContain('Template');
    expect(plain.stdout).not.toContain('Sergei old');

    expect(resume(['--operator', 'roman'], { FORCE_COLOR: '1' }).stdout).toMatch(/\x1b\[/);
  });

  test('--limit sets the length of the history', () => {
    const view = JSON.parse(resume(['--operator', 'roman', '--json', '--limit', '2']).stdout) as View;
    expect(view.sessions).toHaveLength(2);
    expect(view.sessions_count).toBe(4);
    expect(resume(['--operator', 'roman', '--limit', '0']).code).toBe(2);
  });

  test('the operator comes from $OPERATOR or git config when --operator is not given', () => {
    expect((JSON.parse(resume(['--json'], { OPERATOR: 'sergei' }).stdout) as View).last_session!.id).toBe(idOf('SK', daysAgo(3), 1));
    expect((JSON.parse(resume(['--json']).stdout) as View).operator.slug).toBe('roman');
  });

  test('an operator with no sessions: the message, exit 0', () => {
    const json = resume(['--operator', 'dana', '--json']);
    expect(json.code).toBe(0);
    const view = JSON.parse(json.stdout) as View;
    expect(view.last_session).toBeNull();
    expect(view.message).toBe('no prior sessions for dana');
    expect(view.sessions_count).toBe(0);
    const text = resume(['--operator', 'dana']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('no prior sessions for dana');
  });

  test('an unknown --operator is a usage error (exit 2)', () => {
    const result = resume(['--operator', 'nobody', '--json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/nobody/);
  });

  test('editing the Resume Prompt without committing shows the new text on the next run', () => {
    const rel = `docs/sessions/${LAST}.md`;
    const original = repo.read(rel);
    expect((JSON.parse(resume(['--operator', 'roman', '--json']).stdout) as View).last_session!.resume_prompt).toBe(PROMPT);
    try {
      repo.write(rel, original.replace(PROMPT, 'A brand new prompt.\n\nConfidence: low').replace('title: Resume cache', 'title: Edited title'));
      const view = JSON.parse(resume(['--operator', 'roman', '--json']).stdout) as View;
      expect(view.last_session!.resume_prompt).toBe('A brand new prompt.\n\nConfidence: low');
      expect(view.last_session!.title).toBe('Edited title');
      expect(view.sessions[0]).toMatchObject({ id: LAST, title: 'Edited title' });
    } finally {
      repo.write(rel, original);
    }
  });

  test('a cache file holding garbage is ignored and replaced', () => {
    repo.write('.claude/state/resume-cache.json', '\u0000garbage{{{');
    const result = resume(['--operator', 'roman', '--json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as View).last_session!.id).toBe(LAST);
    expect(JSON.parse(repo.read('.claude/state/resume-cache.json'))).toMatchObject({ version: RESUME_CACHE_VERSION });
  });

  test('--no-cache gives the same answer', () => {
    const cached = JSON.parse(resume(['--operator', 'roman', '--json']).stdout) as View;
    expect(JSON.parse(resume(['--operator', 'roman', '--json', '--no-cache']).stdout)).toEqual(cached);
  });
});

describe('without workstreams/', () => {
  test('the dashboard still shows sessions', () => {
    const r = createGitRepo({ files: { 'docs/sessions/RT-260511-01.md': sessionNote('RT-260511-01', {}, body('Go on.')) } });
    try {
      const result = runCli(['resume', '--operator', 'roman', '--json'], { cwd: r.dir, env: r.env });
      expect(result.code).toBe(0);
      const view = JSON.parse(result.stdout) as View;
      expect(view.last_session!.resume_prompt).toBe('Go on.');
      expect(view.workstreams).toEqual({ mine: [], others: [] });
    } finally {
      r.cleanup();
    }
  });
});

describe('post-commit', () => {
  test('refreshes an existing cache after a real commit, leaving the tree clean', () => {
    const r = createGitRepo({ hooks: true, files: { 'workstreams/flip.md': workstreamNote('flip') } });
    try {
      r.git(['add', '-A']);
      r.git(['commit', '-q', '-m', 'init']);
      expect(runCli(['resume', '--operator', 'roman'], { cwd: r.dir, env: r.env }).code).toBe(0);
      const cache = path.join(r.dir, '.claude/state/resume-cache.json');
      const before = statSync(cache).mtimeMs;
      r.write(
        'docs/sessions/RT-260511-01.md',
        frontmatter({ title: 'New', operator: 'roman', summary: 'S.', kind: 'session', external_id: 'RT-260511-01', date: '2026-05-11' }),
      );
      r.git(['add', '-A']);
      const commit = r.git(['commit', '-m', 'session'], { allowFail: true });
      expect(commit.code).toBe(0);
      expect(statSync(cache).mtimeMs).toBeGreaterThan(before);
      expect(readFileSync(cache, 'utf8')).toContain('docs/sessions/RT-260511-01.md');
      expect(r.git(['status', '--porcelain']).stdout).toBe('');

      // A handoff's commit carries CANON_POST_COMMIT_RESUME=0: post-commit leaves the cache alone, and
      // so does the handoff; the next resume, a full run after any commit, brings it up to date (ADR-0042).
      const stamp = statSync(cache).mtimeMs;
      r.write(
        'docs/sessions/RT-260511-02.md',
        frontmatter({ title: 'Other', operator: 'roman', summary: 'S.', kind: 'session', external_id: 'RT-260511-02', date: '2026-05-11' }),
      );
      r.git(['add', '-A']);
      expect(r.git(['commit', '-m', 'by a handoff'], { allowFail: true, env: { CANON_POST_COMMIT_RESUME: '0' } }).code).toBe(0);
      expect(statSync(cache).mtimeMs).toBe(stamp);
      expect(readFileSync(cache, 'utf8')).not.toContain('docs/sessions/RT-260511-02.md');
      const resumePrompt = Array.from({ length: 60 }, (_, i) => `step${i}`).join(' ');
      const out = runCli(
        ['handoff', '--yes', '--no-push', '--json', '--title', 'Handed off', '--summary', 'Handed off, in a sentence.', '--resume-prompt', resumePrompt],
        {
          cwd: r.dir,
          env: { ...r.env, OPERATOR: 'roman' },
        },
      );
      expect(out.code).toBe(0);
      const note = (JSON.parse(out.stdout) as { path: string }).path;
      expect(statSync(cache).mtimeMs).toBe(stamp);
      const shown = runCli(['resume', '--json'], { cwd: r.dir, env: { ...r.env, OPERATOR: 'roman' } });
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain(note);
      const text = readFileSync(cache, 'utf8');
      expect(text).toContain(note);
      expect(text).toContain('docs/sessions/RT-260511-02.md');
      expect(r.git(['status', '--porcelain']).stdout).toBe('');
    } finally {
      r.cleanup();
    }
  });
});
