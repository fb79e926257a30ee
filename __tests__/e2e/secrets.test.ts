import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createGitRepo, runCliAsync, type GitRepo } from '../helpers/git-repo.js';
import { startFakeNotion, type FakeNotion } from '../helpers/fake-notion.js';
import { sessionNote } from '../helpers/notes.js';
import { r, SAMPLES } from '../helpers/secret-samples.js';

const NOTE = 'docs/sessions/RT-260511-02.md';
const escapeRule = (rule: string) => rule.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('pre-commit refuses every kind of secret through a real git commit, masked', () => {
  let repo: GitRepo;
  let head: string;
  beforeAll(() => {
    repo = createGitRepo({ hooks: true });
    repo.write('README.md', 'store\n');
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', 'init']);
    head = repo.head();
  });
  afterAll(() => repo.cleanup());

  // Lines are those of the note as committed: pre-commit adds content_hash at the end of the frontmatter.
  const refuse = (text: string, line: number, rule: string, secret: string) => {
    repo.write(NOTE, text);
    repo.git(['add', NOTE]);
    const result = repo.git(['commit', '-m', 'leak'], { allowFail: true });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(new RegExp(`${NOTE}:${line}:\\d+: error .*\\[secret/${escapeRule(rule)}\\]`));
    expect(result.stderr).toContain(`${secret.slice(0, 4)}********`);
    expect(result.stderr + result.stdout).not.toContain(secret.slice(0, 12));
    expect(result.stderr).toContain('Nothing was committed.');
    expect(repo.head()).toBe(head);
    expect(repo.read(NOTE)).toBe(text); // a refused commit rewrites nothing
  };

  test.each(SAMPLES)('a %s in the body', (_name, secret, rule) => {
    refuse(sessionNote('RT-260511-02', {}, `## Summary\n\nDone.\n\nleaked ${secret} here\n`), 14, rule, secret);
  });

  test('a Google API key in a frontmatter value and in the Resume Prompt', () => {
    const key = SAMPLES[0]![1];
    refuse(sessionNote('RT-260511-02', { why_note: `key ${key}` }), 8, 'GOOGLE_API_KEY', key);
    refuse(sessionNote('RT-260511-02', {}, `## Summary\n\nDone.\n\n## Resume Prompt\n\nUse ${key} to call the API.\n`), 16, 'GOOGLE_API_KEY', key);
  });

  test('a GitHub token written as a YAML \\u escape in a double-quoted value', () => {
    const token = `ghp_${r('a1B2c3D4e5', 36)}`;
    refuse(sessionNote('RT-260511-02', { why_note: `"\\u0067${token.slice(1)}"` }), 8, 'GITHUB_TOKEN', token);
  });

  test('an AWS key id written as a YAML escape in a key', () => {
    const id = SAMPLES[1]![1];
    refuse(`${sessionNote('RT-260511-02').replace('\n---\n', `\nmeta:\n  "\\x41${id.slice(1)}": yes\n---\n`)}`, 9, 'AWSAccessKeyID', id);
  });

  test('a Slack token written with a Markdown escape in the body', () => {
    const token = SAMPLES.find(([name]) => name === 'Slack bot token')![1];
    refuse(sessionNote('RT-260511-02', {}, `## Summary\n\nDone.\n\nhook ${token.replace('xoxb-', 'xoxb\\-')}\n`), 14, 'SLACK_TOKEN', token);
  });
});

describe('sync refuses whatever the commit scan refuses', () => {
  let repo: GitRepo | undefined;
  let fake: FakeNotion | undefined;
  afterEach(async () => {
    repo?.cleanup();
    await fake?.close();
  });

  test('a note committed past the hooks with a YAML-escaped token is not sent, and the error stays masked', async () => {
    const TOKEN = 'ntn_e2eTestToken0123456789abcdefghijklmnopqrstuvwxyzABCD';
    const ghToken = `ghp_${r('a1B2c3D4e5', 36)}`;
    const google = SAMPLES[0]![1];
    fake = await startFakeNotion({ token: TOKEN });
    repo = createGitRepo({
      files: {
        'docs/sessions/RT-260511-01.md': sessionNote('RT-260511-01'),
        'docs/sessions/RT-260511-02.md': sessionNote('RT-260511-02', { why_note: `"\\u0067${ghToken.slice(1)}"` }),
        'docs/sessions/RT-260511-03.md': sessionNote('RT-260511-03', {}, `## Summary\n\nkey ${google}\n`),
      },
    });
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', 'notes']);
    const env = { ...repo.env, NOTION_TOKEN: TOKEN, NOTION_BASE_URL: fake.baseUrl, NOTION_DATABASE_ID: fake.databaseId, CANON_NOTION_RPS: '500' };
    const result = await runCliAsync(['sync', '--apply'], { cwd: repo.dir, env });
    expect(result.code).toBe(1);
    expect(fake.pages().map((p) => fake!.propertyText(p, 'external_id'))).toEqual(['RT-260511-01']);
    const sent = JSON.stringify(fake.requests);
    expect(sent).not.toContain(ghToken.slice(0, 12));
    expect(sent).not.toContain(google.slice(0, 12));
    for (const rel of ['docs/sessions/RT-260511-02.md', 'docs/sessions/RT-260511-03.md']) {
      const text = repo.read(rel);
      expect(text).toMatch(/sync_status: error/);
      expect(text).toMatch(/sync_error: .*secret/);
    }
    expect(result.stdout + result.stderr).not.toContain(ghToken.slice(0, 12));
    expect(repo.read('docs/sessions/RT-260511-02.md')).not.toContain(ghToken.slice(0, 12));
  });
});
