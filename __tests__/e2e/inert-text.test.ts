import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { commitHandoff } from '../../tools/io/handoff-git.js';
import { runCli, type GitRepo } from '../helpers/git-repo.js';
import { installHookBundle, runSessionHook } from '../helpers/hook.js';
import { workstreamNote } from '../helpers/notes.js';
import { storeTemplate } from '../helpers/repo-template.js';

/**
 * Text that reaches a terminal is inert (ADR-0023): with real git, real hooks and
 * the built CLI. A title of `\e[2J\e[31mRED\e]0;pwned\a` is refused at the commit door; one that went
 * around it (`--no-verify`) reaches no terminal, INDEX, CHANGELOG or page raw.
 */
let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

/** Every character a terminal acts on, raw (ESC, BEL, C1, DEL, bidi controls…). */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const today = () => new Date().toISOString().slice(0, 10);
const idFor = (initials: string, n: number) => `${initials}-${today().slice(2).replace(/-/g, '')}-${String(n).padStart(2, '0')}`;
const RESUME =
  'Pick up the inert text work: the commit door refuses control characters and every output shows any that got in as ' +
  'visible escapes. Start with the dashboard, then check INDEX, the changelog and the site, and that handoff refuses ' +
  'a bad title before it claims an id. Keep the escape form stable: backslash x and two hex digits. Confidence: high';

/** A session note whose title is written with YAML escapes: the parsed value holds ESC and BEL. */
const ESCAPED_TITLE = '"\\e[2J\\e[31mRED\\e]0;pwned\\a"';
const TITLE_VALUE = '\u001b[2J\u001b[31mRED\u001b]0;pwned\u0007';
const SHOWN = '\\x1b[2J\\x1b[31mRED\\x1b]0;pwned\\x07';

function session(id: string, operator: string, title: string, body = '## Summary\n\nDid it.\n'): string {
  return `---\ntitle: ${title}\noperator: ${operator}\nsummary: Work of ${id}.\nkind: session\nexternal_id: ${id}\ndate: ${today()}\n---\n${body}`;
}

/** The store every test starts from (canon's hooks, a workstream committed through them), built once, copied per test. */
const template = storeTemplate({ hooks: true }, (r) => {
  r.write('workstreams/vault.md', workstreamNote('vault'));
  r.git(['add', '-A']);
  r.git(['commit', '-q', '-m', 'init']);
});
afterAll(() => template.cleanup());
const store = (): GitRepo => template.copy();

const cli = (r: GitRepo, args: string[], env: NodeJS.ProcessEnv = {}, input?: string) =>
  runCli(args, { cwd: r.dir, env: { ...r.env, OPERATOR: 'roman', ...env }, ...(input === undefined ? {} : { input }) });

describe('the commit door', () => {
  test('a note with an ESC in its title (raw or a YAML escape) or a bidi override is refused at git commit with path:line:col', () => {
    repo = store();
    const raw = idFor('RT', 1);
    const escaped = idFor('RT', 2);
    repo.write(`docs/sessions/${raw}.md`, session(raw, 'roman', 'Fix \u001b[31mred'));
    repo.write(`docs/sessions/${escaped}.md`, session(escaped, 'roman', ESCAPED_TITLE, '## Summary\n\nplain\n\u202eevil\n'));
    repo.git(['add', '-A']);
    const head = repo.head();
    const commit = repo.git(['commit', '-m', 'notes'], { allowFail: true });
    expect(commit.code).not.toBe(0);
    expect(repo.head()).toBe(head);
    const out = commit.stderr + commit.stdout;
    expect(out).toContain(`docs/sessions/${raw}.md:2:12: error /title holds U+001B (ESC)`);
    expect(out).toContain(`docs/sessions/${escaped}.md:2:9: error /title holds U+001B (ESC), written as the YAML escape "\\e"`);
    expect(out).toContain(`docs/sessions/${escaped}.md:12:1: error the body holds U+202E (RLO, right-to-left override)`);
    expect(out).toMatch(/\[text\/control-character\]/);
    expect(out).toMatch(/\[text\/bidi-control\]/);
    // The refusal quotes nothing raw: the terminal it is printed on stays as it was.
    expect(out).not.toMatch(RAW);

    // validate says the same, on stdout, exit 1.
    const validate = cli(repo, ['validate', `docs/sessions/${raw}.md`]);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain(`docs/sessions/${raw}.md:2:12: error /title holds U+001B (ESC)`);
    expect(validate.stdout).not.toMatch(RAW);
    // --json keeps the values, with no raw control in the bytes either (a bidi override in a key here).
    repo.write(`docs/sessions/${raw}.md`, session(raw, 'roman', 'ok').replace('kind:', 'k\u202e: x\nkind:'));
    const json = cli(repo, ['validate', '--json', `docs/sessions/${raw}.md`]);
    expect(json.stdout).not.toMatch(RAW);
    const issues = (JSON.parse(json.stdout) as { issues: Array<{ pointer: string; rule: string; line: number; column: number }> }).issues;
    expect(issues.filter((i) => i.rule.startsWith('text/'))).toEqual([
      expect.objectContaining({ pointer: '/k\u202e', rule: 'text/bidi-control', line: 5, column: 2 }),
    ]);
  });

  test('a note with a control character is refused even when precommit.mode is "warn"', () => {
    repo = store();
    repo.write('canon.config.json', JSON.stringify({ precommit: { mode: 'warn' } }));
    repo.git(['add', 'canon.config.json']);
    // Scene-setting: the config goes in past the hooks (nothing they would add to it is asserted).
    repo.git(['-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'warn mode']);
    const id = idFor('RT', 1);
    repo.write(`docs/sessions/${id}.md`, session(id, 'roman', 'a\u0085b'));
    repo.git(['add', '-A']);
    const commit = repo.git(['commit', '-m', 'note'], { allowFail: true });
    expect(commit.code).not.toBe(0);
    expect(commit.stderr).toContain(`docs/sessions/${id}.md:2:9: error /title holds U+0085 (NEL)`);
  });
});

describe('a note that went around the door (--no-verify) reaches every output inert', () => {
  test('resume (text and JSON), INDEX, CHANGELOG with a commit subject, the handoff, and the site', () => {
    repo = store();
    const mine = idFor('RT', 1);
    const peer = idFor('SK', 1);
    repo.write(
      `docs/sessions/${mine}.md`,
      session(mine, 'roman', ESCAPED_TITLE, `## Summary\n\nDid it.\n\n## Resume Prompt\n\nGo on \u001b]0;x\u0007 here.\n`),
    );
    repo.write(`docs/sessions/${peer}.md`, session(peer, 'sergei', 'peer \u202eevil\u001b[5m'));
    const hourAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '--no-verify', '-m', 'sneak'], { env: { GIT_COMMITTER_DATE: hourAgo(2), GIT_AUTHOR_DATE: hourAgo(2) } });
    repo.git(['commit', '-q', '--no-verify', '--allow-empty', '-m', 'rotate \u001b[31mred\u001b[0m \u202eflip'], {
      env: { GIT_COMMITTER_DATE: hourAgo(1), GIT_AUTHOR_DATE: hourAgo(1) },
    });

    // The dashboard: own title, the prompt, the peer's title; no raw byte a terminal acts on.
    const resume = cli(repo, ['resume']);
    expect(resume.code).toBe(0);
    expect(resume.stdout).not.toMatch(RAW);
    expect(resume.stdout).toContain(SHOWN);
    expect(resume.stdout).toContain('Go on \\x1b]0;x\\x07 here.');
    expect(resume.stdout).toContain('peer \\u202eevil\\x1b[5m');
    // JSON stays JSON, with the same values, and no raw control either.
    const json = cli(repo, ['resume', '--json']);
    expect(json.stdout).not.toMatch(RAW);
    const view = JSON.parse(json.stdout) as { last_session: { title: string }; peers: Array<{ title: string }> };
    expect(view.last_session.title).toBe(TITLE_VALUE);
    expect(view.peers[0]!.title).toBe('peer \u202eevil\u001b[5m');

    // canon verify (what CI runs) names the note; its output holds nothing raw either.
    const verify = cli(repo, ['verify']);
    expect(verify.code).toBe(1);
    expect(verify.stdout + verify.stderr).not.toMatch(RAW);
    expect(verify.stdout).toContain(`docs/sessions/${mine}.md:2:9: error /title holds U+001B (ESC)`);
    expect(cli(repo, ['verify', '--json']).stdout).not.toMatch(RAW);

    // INDEX: the visible escape (a table cell doubles the backslash; the rendered table shows \x1b).
    expect(cli(repo, ['index']).code).toBe(0);
    const month = repo.read(`docs/sessions/index/${today().slice(0, 7)}.md`);
    expect(month).not.toMatch(RAW);
    expect(month).toContain(SHOWN.replace(/\\/g, '\\\\'));
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '--no-verify', '-m', 'index']);

    // A clean handoff: its CHANGELOG entry lists the session's commits, the bad subject shown inert.
    const handoff = cli(repo, [
      'handoff',
      '--yes',
      '--no-push',
      '--json',
      '--title',
      'Clean title',
      '--summary',
      'A clean summary.',
      '--workstream',
      'vault',
      '--resume-prompt',
      RESUME,
    ]);
    expect(handoff.stderr).not.toMatch(/internal error/);
    expect(handoff.code).toBe(0);
    expect(handoff.stderr).not.toMatch(RAW);
    const changelog = repo.read('CHANGELOG.md');
    expect(changelog).not.toMatch(RAW);
    expect(changelog).toContain('rotate \\x1b\\[31mred\\x1b\\[0m \\u202eflip'); // markdown escapes `[`
    expect(repo.read('workstreams/vault.md')).not.toMatch(RAW);
    expect(repo.git(['log', '-1', '--format=%s']).stdout.trim()).toMatch(/^session RT-\d{6}-02: Clean title$/);

    // The site: no page carries a raw control; the note's page (unless render refuses the note) shows them.
    const render = cli(repo, ['render', '--json']);
    expect(render.code).toBeLessThanOrEqual(1);
    const site = path.join(repo.dir, 'site');
    const files = listFiles(site).filter((f) => f.endsWith('.html'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect({ file, raw: RAW.test(readFileSync(path.join(site, file), 'utf8')) }).toEqual({ file, raw: false });
    const refused = (JSON.parse(render.stdout) as { problems: Array<{ file: string }> }).problems.some((p) => p.file === `docs/sessions/${mine}.md`);
    const pageFile = path.join(site, `docs/sessions/${mine}.html`);
    if (refused) expect(existsSync(pageFile)).toBe(false);
    else expect(readFileSync(pageFile, 'utf8')).toContain(SHOWN);
  });

  test('the handoff commit subject is written inert whatever title it is given (the unfinished-handoff path reads it from a note)', async () => {
    repo = store();
    repo.write('docs/notes.txt', 'x\n');
    const result = await commitHandoff(repo.dir, [{ rel: 'docs/notes.txt' }], {
      message: `session RT-1: ${TITLE_VALUE} \u202eflip`,
      unborn: false,
      env: { ...repo.env, CANON_HOOKS: '0' },
    });
    expect(result.ok).toBe(true);
    const subject = repo.git(['log', '-1', '--format=%s']).stdout.trim();
    expect(subject).toBe(`session RT-1: ${SHOWN} \\u202eflip`);
  });
});

describe('the push gate', () => {
  test('refuses a --no-verify note with an ESC in its title, quoting the commit subject inert', () => {
    repo = store();
    const remote = `${repo.dir}-remote.git`;
    repo.git(['init', '-q', '--bare', remote]);
    repo.git(['remote', 'add', 'origin', remote]);
    repo.git(['push', '-q', '--no-verify', '-u', 'origin', 'main']); // scene-setting: the push under test is the next one
    const id = idFor('RT', 1);
    repo.write(`docs/sessions/${id}.md`, session(id, 'roman', ESCAPED_TITLE));
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '--no-verify', '-m', 'sneak \u001b[31mred \u202eflip']);
    const push = repo.git(['push', 'origin', 'main'], { allowFail: true });
    expect(push.code).not.toBe(0);
    expect(push.stderr).not.toMatch(RAW);
    expect(push.stderr).toContain('"sneak \\x1b[31mred \\u202eflip"');
    expect(push.stderr).toContain(`docs/sessions/${id}.md:2:9: error /title holds U+001B (ESC)`);
    expect(repo.git(['ls-remote', remote, 'main']).stdout).not.toContain(repo.head());
  });
});

describe('the SessionStart hook bundle', () => {
  test("hands the model the last title, its Resume Prompt and peers' titles inert, cold and warm", async () => {
    repo = store();
    installHookBundle(repo);
    const mine = idFor('RT', 1);
    const peer = idFor('SK', 1);
    repo.write(`docs/sessions/${mine}.md`, session(mine, 'roman', ESCAPED_TITLE, '## Resume Prompt\n\nGo on \u001b]0;x\u0007 here.\n'));
    repo.write(`docs/sessions/${peer}.md`, session(peer, 'sergei', 'peer \u202eevil\u0085'));
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '--no-verify', '-m', 'sneak']);
    const input = (id: string) =>
      JSON.stringify({ session_id: id, transcript_path: '/nowhere/t.jsonl', cwd: repo!.dir, hook_event_name: 'SessionStart', source: 'startup' });
    for (const id of ['s1', 's2']) {
      const result = await runSessionHook(repo, input(id), { OPERATOR: 'roman' });
      expect(result.code).toBe(0);
      const context = (JSON.parse(result.stdout) as { hookSpecificOutput: { additionalContext: string } }).hookSpecificOutput.additionalContext;
      expect(context).not.toMatch(RAW);
      expect(context).toContain(`Last session: ${mine} (${today()}) — ${SHOWN}`);
      expect(context).toContain('Go on \\x1b]0;x\\x07 here.');
      expect(context).toContain(`${peer} (sergei, ${today()}): peer \\u202eevil\\x85`);
    }
  });
});

describe('handoff refuses a bad input field before it claims an id', () => {
  // Nothing is claimed or written, so one store serves every case.
  let shared: GitRepo | undefined;
  afterAll(() => shared?.cleanup());
  const sharedStore = (): GitRepo => {
    if (shared) return shared;
    shared = store();
    shared.write('draft.md', `---\ntitle: "\\e[31mred"\nsummary: ok\n---\n`);
    shared.git(['add', 'draft.md']);
    shared.git(['commit', '-q', '--no-verify', '-m', 'draft']);
    return shared;
  };
  const sessions = (r: GitRepo) => (r.exists('docs/sessions') ? readdirSync(path.join(r.dir, 'docs/sessions')).sort() : []);

  test.each([
    [
      'an ESC in --title',
      ['--title', 'Fix \u001b[2J now', '--summary', 'ok'],
      undefined,
      /^canon: --title holds U\+001B \(ESC\) at character 5, a control character/m,
    ],
    [
      'a bidi override in --summary',
      ['--title', 'ok', '--summary', 'line one\nline \u202etwo'],
      undefined,
      /^canon: --summary holds U\+202E \(RLO, right-to-left override\) at line 2, column 6, a bidi control/m,
    ],
    ['a DEL in --tags', ['--title', 'ok', '--summary', 'ok', '--tags', 'a,b\u007f'], undefined, /^canon: --tags holds U\+007F \(DEL\) at character 2/m],
    [
      'a NUL in the title on stdin',
      ['--from', '-'],
      JSON.stringify({ title: 'a\u0000b', summary: 'ok' }),
      /^canon: "title" on stdin holds U\+0000 \(NUL\) at character 2/m,
    ],
    [
      'a C1 CSI in next_steps on stdin',
      ['--from', '-'],
      JSON.stringify({ title: 'ok', summary: 'ok', next_steps: ['fine', 'x\u009b1m'] }),
      /^canon: "next_steps" on stdin holds U\+009B \(CSI\) at line 2, column 4/m,
    ],
    ['an escaped ESC in a --from markdown title', ['--from', 'draft.md'], undefined, /^canon: "title" in draft\.md holds U\+001B \(ESC\) at character 1/m],
  ])('%s: exit 2, no id claimed, nothing written', (_name, args, input, message) => {
    const r = sharedStore();
    const before = sessions(r);
    const result = cli(r, ['handoff', '--yes', '--no-push', ...args], {}, input);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/Nothing was claimed or written/);
    expect(result.stderr).not.toMatch(RAW);
    expect(sessions(r)).toEqual(before);
    expect(r.git(['status', '--porcelain', '--untracked-files=all']).stdout).toBe('');
  });
});

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listFiles(path.join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`],
  );
}
