import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, runCliAsync, type GitRepo } from '../helpers/git-repo.js';
import { startFakeNotion, type FakeNotion } from '../helpers/fake-notion.js';
import { sessionNote, workstreamNote } from '../helpers/notes.js';
import { r } from '../helpers/secret-samples.js';
import { storeTemplate } from '../helpers/repo-template.js';

// Nothing publishes a secret: not the site, not Notion, not the CHANGELOG handoff writes from commit subjects.
const TOKEN = `ghp_${r('a1B2c3D4e5', 36)}`;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/**
 * The store every test starts from, built once through canon's hooks (stamped notes, INDEX) and
 * copied per test: a workstream and two clean sessions (RT-260511-02 is the one the render test leaks into).
 */
const template = storeTemplate({ hooks: true, files: { '.gitignore': '.claude/state/\n/site/\n' } }, (repo) => {
  repo.write('workstreams/vault.md', workstreamNote('vault'));
  repo.write('docs/sessions/RT-260511-01.md', sessionNote('RT-260511-01'));
  repo.write('docs/sessions/RT-260511-02.md', sessionNote('RT-260511-02'));
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'store']);
});
afterAll(() => template.cleanup());

function store(): GitRepo {
  const repo = template.copy();
  cleanups.push(() => repo.cleanup());
  return repo;
}

function commitNoVerify(repo: GitRepo, files: Record<string, string>, subject: string): void {
  for (const [rel, text] of Object.entries(files)) repo.write(rel, text);
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '--no-verify', '-m', subject]);
}

/** Every file under a folder, with its text. */
function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.set(path.relative(dir, path.join(entry.parentPath, entry.name)), readFileSync(path.join(entry.parentPath, entry.name), 'utf8'));
  }
  return out;
}

describe('canon render', () => {
  test('refuses a note with a secret (committed with --no-verify): named path:line:col masked, left out, its old page removed, exit 1', () => {
    const repo = store();
    const rel = 'docs/sessions/RT-260511-02.md'; // committed clean, through the hooks, in the store
    expect(runCli(['render'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    expect(existsSync(path.join(repo.dir, 'site/docs/sessions/RT-260511-02.html'))).toBe(true);

    commitNoVerify(repo, { [rel]: sessionNote('RT-260511-02', {}, `## Summary\n\nDone.\n\nleaked ${TOKEN} here\n`) }, 'leak');
    const out = runCli(['render'], { cwd: repo.dir, env: repo.env });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/docs\/sessions\/RT-260511-02\.md:13:\d+: not published: holds a secret \(ghp_\*{8}, GITHUB_TOKEN\)/);
    expect(out.stderr).toContain('the commit door would refuse them');
    const site = readTree(path.join(repo.dir, 'site'));
    expect(site.has('docs/sessions/RT-260511-02.html')).toBe(false);
    expect(site.has('docs/sessions/RT-260511-01.html')).toBe(true);
    for (const [file, text] of site) expect({ file, leaked: text.includes(TOKEN.slice(0, 12)) }).toEqual({ file, leaked: false });

    // A run with nothing changed refuses it again, from the manifest, still exit 1.
    const again = runCli(['render', '--json'], { cwd: repo.dir, env: repo.env });
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).problems).toEqual([expect.objectContaining({ file: rel, line: 13, rule: 'secret/GITHUB_TOKEN' })]);

    // A fresh site (the Pages workflow) never writes it either.
    const out2 = mkdtempSync(path.join(os.tmpdir(), 'canon-site-'));
    cleanups.push(() => rmSync(out2, { recursive: true, force: true }));
    expect(runCli(['render', '--out', path.join(out2, '_site')], { cwd: repo.dir, env: repo.env }).code).toBe(1);
    for (const [, text] of readTree(path.join(out2, '_site'))) expect(text.includes(TOKEN.slice(0, 12))).toBe(false);
  });

  test('refuses an invalid note the commit door would refuse, and renders it once fixed', () => {
    const repo = store();
    const rel = 'docs/sessions/RT-260511-03.md';
    commitNoVerify(repo, { [rel]: sessionNote('RT-260511-03', { operator: 'nobody' }) }, 'unknown operator');
    const out = runCli(['render', '--json'], { cwd: repo.dir, env: repo.env });
    expect(out.code).toBe(1);
    expect(JSON.parse(out.stdout).problems).toEqual([expect.objectContaining({ file: rel, rule: 'operator/unknown' })]);
    expect(existsSync(path.join(repo.dir, 'site/docs/sessions/RT-260511-03.html'))).toBe(false);
    repo.write(rel, sessionNote('RT-260511-03'));
    expect(runCli(['render'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    expect(existsSync(path.join(repo.dir, 'site/docs/sessions/RT-260511-03.html'))).toBe(true);
  });
});

describe('canon sync', () => {
  test('a secret note committed with --no-verify: the fake Notion receives nothing of it', async () => {
    const token = 'ntn_gateTestToken0123456789abcdefghijklmnopqrstuvwxyzAB';
    const fake: FakeNotion = await startFakeNotion({ token });
    cleanups.push(() => fake.close());
    const repo = store();
    commitNoVerify(repo, { 'docs/sessions/RT-260511-04.md': sessionNote('RT-260511-04', {}, `## Summary\n\nleaked ${TOKEN} here\n`) }, 'leak');
    const env = { ...repo.env, NOTION_TOKEN: token, NOTION_BASE_URL: fake.baseUrl, NOTION_DATABASE_ID: fake.databaseId, CANON_NOTION_RPS: '500' };
    const out = await runCliAsync(['sync', '--apply'], { cwd: repo.dir, env });
    expect(out.code).toBe(1);
    expect(fake.pagesByExternalId('RT-260511-04')).toHaveLength(0);
    expect(fake.pagesByExternalId('RT-260511-01')).toHaveLength(1);
    expect(JSON.stringify(fake.requests)).not.toContain(TOKEN.slice(0, 12));
    expect(JSON.stringify(fake.requests)).not.toContain('RT-260511-04');
  });
});

describe('canon handoff', () => {
  test('a token in a commit subject reaches CHANGELOG.md masked, with a warning; committed and pushed masked', () => {
    const repo = store();
    const base = mkdtempSync(path.join(os.tmpdir(), 'canon-handoff-remote-'));
    cleanups.push(() => rmSync(base, { recursive: true, force: true }));
    const bare = path.join(base, 'remote.git');
    repo.git(['init', '-q', '--bare', '-b', 'main', bare]);
    repo.git(['remote', 'add', 'origin', bare]);
    // Scene-setting, past the hooks: the remote's main, then a commit (no note) whose subject holds the token.
    repo.git(['push', '-q', '--no-verify', '-u', 'origin', 'main']);
    repo.write('src/app.txt', 'rotated\n');
    repo.git(['add', '-A']);
    repo.git(['-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', `rotate ${TOKEN}`]);

    const resume =
      'Pick up the key rotation: the old token was revoked and the new one lives in the vault only. Start with the deploy check, ' +
      'then confirm the CI secret was replaced, and that no log still prints it. Keep the rotation notes short and link the ' +
      'runbook; the next step is the audit of who can read the vault, then closing the incident. Confidence: high';
    const out = runCli(
      [
        'handoff',
        '--yes',
        '--json',
        '--title',
        'Key rotation',
        '--summary',
        `Rotated the key (was ${TOKEN.slice(0, 4)}…).`,
        '--workstream',
        'vault',
        '--resume-prompt',
        resume,
      ],
      {
        cwd: repo.dir,
        env: { ...repo.env, OPERATOR: 'roman' },
      },
    );
    expect(out.stderr).not.toMatch(/internal error/);
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout) as { committed: boolean; pushed: boolean; warnings: string[] };
    expect(result).toMatchObject({ committed: true, pushed: true });
    expect(result.warnings.join('\n')).toMatch(/1 secret\(s\) in the text for CHANGELOG\.md were masked/);

    const local = repo.read('CHANGELOG.md');
    expect(local).toContain('rotate ghp\\_\\*\\*\\*\\*\\*\\*\\*\\*');
    expect(local).not.toContain(TOKEN.slice(4, 16));
    const committed = repo.git(['show', 'HEAD:CHANGELOG.md']).stdout;
    expect(committed).toBe(local);
    const remote = repo.git(['--git-dir', bare, 'show', 'main:CHANGELOG.md']).stdout;
    expect(remote).toBe(local);
    expect(repo.git(['--git-dir', bare, 'grep', '-I', TOKEN.slice(4, 16), 'main'], { allowFail: true }).code).toBe(1);
  });

  test("a token in the summary reaches the Session Log line masked, with a warning (the note itself is the door's to refuse)", () => {
    const repo = store();
    const resume =
      'Pick up the key rotation: the old token was revoked and the new one lives in the vault only. Start with the deploy check, ' +
      'then confirm the CI secret was replaced, and that no log still prints it. Keep the rotation notes short and link the ' +
      'runbook; the next step is the audit of who can read the vault, then closing the incident. Confidence: high';
    const out = runCli(
      [
        'handoff',
        '--yes',
        '--no-commit',
        '--json',
        '--title',
        'Key rotation',
        '--summary',
        `Rotated ${TOKEN} today.`,
        '--workstream',
        'vault',
        '--resume-prompt',
        resume,
      ],
      {
        cwd: repo.dir,
        env: { ...repo.env, OPERATOR: 'roman' },
      },
    );
    expect(out.stderr).not.toMatch(/internal error/);
    const result = JSON.parse(out.stdout) as { warnings: string[] };
    expect(result.warnings.join('\n')).toMatch(/1 secret\(s\) in the text for workstreams\/vault\.md were masked/);
    const log = repo.read('workstreams/vault.md');
    expect(log).toContain('Rotated ghp_******** today.');
    expect(log).not.toContain(TOKEN.slice(0, 12));
    // The committed store never gets it: the commit door refuses the note itself.
    expect(repo.git(['commit', '-q', '-m', 'handoff'], { allowFail: true }).code).not.toBe(0);
  });
});
