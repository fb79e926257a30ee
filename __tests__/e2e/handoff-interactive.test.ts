import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { computeContentHash } from '../../tools/core/content-hash.js';
import { parseNote } from '../../tools/core/frontmatter.js';
import { CANON_BIN, type GitRepo } from '../helpers/git-repo.js';
import { workstreamNote } from '../helpers/notes.js';
import { storeTemplate } from '../helpers/repo-template.js';

let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

/** A store with canon's hooks and two workstreams committed through them: built once, copied per test. */
const template = storeTemplate({ hooks: true }, (r) => {
  r.write('workstreams/hooks.md', workstreamNote('hooks'));
  r.write('workstreams/sync.md', workstreamNote('sync'));
  r.git(['add', '-A']);
  r.git(['commit', '-q', '-m', 'init']);
});
afterAll(() => template.cleanup());

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const ENTER = '\r';
const DOWN = '\u001b[B';
const CTRL_C = '\u0003';
const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\u001b[()][0-9A-Za-z]/g, '');

interface Exchange {
  /** Wait until the terminal shows this (in what arrived since the previous answer)... */
  expect: RegExp;
  /** ...then type this. */
  send: string;
}

/**
 * Run a command in a pseudo-terminal (util-linux `script`), answering prompts as they appear: real
 * keystrokes into a real TTY, so the CLI takes its interactive path exactly as a person would drive it.
 */
function drive(command: string, cwd: string, env: NodeJS.ProcessEnv, exchanges: Exchange[]): Promise<{ code: number; screen: string; pending: string | null }> {
  return new Promise((resolve) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env: { ...env, TERM: 'xterm-256color' } });
    let screen = '';
    let since = 0;
    let step = 0;
    const advance = () => {
      while (step < exchanges.length) {
        const seen = stripAnsi(screen.slice(since));
        if (!exchanges[step]!.expect.test(seen)) return;
        since = screen.length;
        child.stdin.write(exchanges[step]!.send);
        step++;
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8');
      advance();
    });
    child.stderr.on('data', (chunk: Buffer) => (screen += chunk.toString('utf8')));
    // A prompt that never appears must fail the test, not hang it: jest's timeout would hide the screen.
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(guard);
      child.stdin.end();
      resolve({ code: code ?? 1, screen: stripAnsi(screen), pending: step < exchanges.length ? String(exchanges[step]!.expect) : null });
    });
  });
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('canon handoff at a terminal', () => {
  (hasScript ? test : test.skip)('asks for each part, confirms the operator, offers a Resume Prompt draft, and commits', async () => {
    repo = template.copy();

    const { code, screen, pending } = await drive(
      `${shq(process.execPath)} ${shq(CANON_BIN)} handoff --no-push`,
      repo.dir,
      { ...repo.env, OPERATOR: 'roman' },
      [
        { expect: /You are RT — roman@example\.com \(roman\) — right\?/, send: ENTER },
        { expect: /Title/, send: `Interactive session${ENTER}` },
        { expect: /Summary/, send: `Typed at a terminal, through a pty.${ENTER}` },
        { expect: /Workstream[^]*hooks — Workstream hooks[^]*sync — Workstream sync/, send: `${DOWN}${ENTER}` },
        { expect: /Tags/, send: `pty, tests${ENTER}` },
        { expect: /What shipped — one per line/, send: `the pty test${ENTER}` },
        { expect: /What shipped \(2\)/, send: ENTER },
        { expect: /Decisions — one per line/, send: `drive real keystrokes${ENTER}` },
        { expect: /Decisions \(2\)/, send: ENTER },
        { expect: /Open questions — one per line/, send: ENTER },
        { expect: /Next steps — one per line/, send: `ship it${ENTER}` },
        { expect: /Next steps \(2\)/, send: ENTER },
        { expect: /Resume Prompt \(a draft from your answers, \d+ words\)[^]*Use this Resume Prompt\?/, send: ENTER },
        { expect: /Confidence in the Resume Prompt/, send: `${DOWN}${ENTER}` },
      ],
    );
    expect({ pending, code }).toEqual({ pending: null, code: 0 });
    const id = /Handoff (RT-\d{6}-01) done/.exec(screen)?.[1];
    expect(id).toBeDefined();
    expect(screen).toMatch(/First handoff\?/);

    const note = parseNote(repo.git(['show', `HEAD:docs/sessions/${id}.md`]).stdout);
    expect(note.data).toMatchObject({
      title: 'Interactive session',
      operator: 'roman',
      summary: 'Typed at a terminal, through a pty.',
      workstream: 'sync',
      tags: ['pty', 'tests'],
      mode: 'full',
      confidence: 'medium',
    });
    expect(note.data.content_hash).toBe(computeContentHash(note.data, note.body));
    expect(note.body).toContain('## What shipped\n\n- the pty test\n');
    expect(note.body).toContain('## Decisions\n\n- drive real keystrokes\n');
    expect(note.body).toContain('## Open questions\n\n_None._\n');
    expect(note.body).toMatch(/## Resume Prompt\n\nContinue the sync workstream: Interactive session\.[^]*Start with: ship it\.[^]*\n\nConfidence: medium\n/);
    expect(repo.git(['show', 'HEAD:workstreams/sync.md']).stdout).toContain(`- [${id}](`);
  });

  (hasScript ? test : test.skip)('answering "no" to the operator check stops before anything is claimed', async () => {
    repo = template.copy();
    const { code, screen, pending } = await drive(
      `${shq(process.execPath)} ${shq(CANON_BIN)} handoff --no-push`,
      repo.dir,
      { ...repo.env, OPERATOR: 'roman' },
      [{ expect: /right\?/, send: `n${ENTER}` }],
    );
    expect(pending).toBeNull();
    expect(code).toBe(1);
    expect(screen).toMatch(/wrong operator\. Nothing was claimed or written/);
    expect(repo.exists('docs/sessions')).toBe(false);
  });

  (hasScript ? test : test.skip)('Ctrl-C in a prompt releases the claimed id: no stub is left behind', async () => {
    repo = template.copy();
    const { code, screen, pending } = await drive(
      `${shq(process.execPath)} ${shq(CANON_BIN)} handoff --yes --no-push`,
      repo.dir,
      { ...repo.env, OPERATOR: 'roman' },
      [
        { expect: /Title/, send: `Half a thought${ENTER}` },
        { expect: /Summary/, send: CTRL_C },
      ],
    );
    expect(pending).toBeNull();
    expect(code).toBe(1);
    expect(screen).toMatch(/Handoff cancelled\. No note was written; the claim on RT-\d{6}-01 was released\./);
    expect(repo.exists('docs/sessions') ? readdirSync(path.join(repo.dir, 'docs/sessions')) : []).toEqual([]);
  });
});
