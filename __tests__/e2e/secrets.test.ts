import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createGitRepo, runCliAsync, type GitRepo } from '../helpers/git-repo.js';
import { startFakeNotion, type FakeNotion } from '../helpers/fake-notion.js';
import { sessionNote } from '../helpers/notes.js';
import { r, SAMPLES } from '../helpers/secret-samples.js';
import { columnOf, CORPUS, gen } from '../helpers/secret-corpus.js';

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

describe('the wider scan (ADR-0021) through a real git commit: new kinds, assignments, URL passwords, disguises', () => {
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

  /** Commit `text` as the note: refused, naming path:line:column and the rule, masked, nothing written. */
  const refuse = (text: string, line: number, column: number, rule: string, shown: string, secret: string) => {
    repo.write(NOTE, text);
    repo.git(['add', NOTE]);
    const result = repo.git(['commit', '-m', 'leak'], { allowFail: true });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(new RegExp(`${NOTE}:${line}:${column}: error .*\\(${escapeRule(shown)}\\*{8}, ${rule}\\).*\\[secret/${rule}\\]`));
    expect(result.stderr + result.stdout).not.toContain(secret.slice(4, 14));
    expect(result.stderr).toContain('Nothing was committed.');
    expect(repo.head()).toBe(head);
    expect(repo.read(NOTE)).toBe(text);
  };

  // A representative dozen; every kind of the corpus is refused in __tests__/unit/secret-coverage.test.ts.
  const KINDS = [
    'GitLab personal access token',
    'Hugging Face token',
    'Azure storage connection string',
    'SendGrid key with dashes',
    'PyPI upload token',
    'age secret key',
    'Discord webhook',
    'Telegram bot token',
    '.env PASSWORD=',
    'YAML client_secret:',
    'redis URL password',
    'amqp URL password',
  ];
  test.each(KINDS)('%s in the body', (kind) => {
    const sample = CORPUS.find((s) => s.kind === kind)!;
    const shown = sample.line.slice(columnOf(sample) - 1, columnOf(sample) + 3);
    refuse(sessionNote('RT-260511-02', {}, `## Summary\n\nDone.\n\n${sample.line}\n`), 14, columnOf(sample), sample.rule, shown, sample.secret);
  });

  const token = `ghp_${gen('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 36)}`;
  const disguises: Array<[string, string, number]> = [
    ['base64-wrapped', `cfg ${btoa(`GITHUB_TOKEN=${token}`)}`, 5],
    ['percent-encoded in a URL', `https://app.example.org/cb?code=%67hp%5F${token.slice(4)}`, 33],
    ['split by a zero-width space', `t ${token.slice(0, 9)}\u200B${token.slice(9)}`, 3],
    ['split by **bold**', `t ${token.slice(0, 9)}**${token.slice(9, 20)}**${token.slice(20)}`, 3],
    ['split by an HTML comment', `t ${token.slice(0, 9)}<!-- x -->${token.slice(9)}`, 3],
  ];
  test.each(disguises)('a GitHub token %s', (_name, line, column) => {
    refuse(sessionNote('RT-260511-02', {}, `## Summary\n\nDone.\n\n${line}\n`), 14, column, 'GITHUB_TOKEN', 'ghp_', token);
  });

  test('a GitHub token folded across lines of a YAML value', () => {
    const text = sessionNote('RT-260511-02', { why_note: `rotated ${token.slice(0, 16)}\n  ${token.slice(16)} today` });
    refuse(text, 8, 19, 'GITHUB_TOKEN', 'ghp_', token);
  });

  test('a note full of look-alikes (placeholders, example keys, hashes, ids, defaults) is committed', () => {
    const body = [
      '## Summary',
      '',
      'AWS documents AKIAIOSFODNN7EXAMPLE and wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY.',
      'Set `PASSWORD=changeme` locally; `API_KEY=<your-token>`; CI reads `${{ secrets.NOTION_TOKEN }}`.',
      '`const token = process.env.NOTION_TOKEN;` and `password: string;`',
      'Compose: `postgres://postgres:postgres@db:5432/app`, `amqp://guest:guest@localhost:5672/`, `redis://:${REDIS_PASSWORD}@cache:6379`.',
      `Commit ${'0123456789abcdef'.repeat(2)}01234567, request 1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f, sha256:${'ab'.repeat(32)}.`,
      'The password is in the vault; the api_key was rotated. **Bold** and _emphasis_ and `code`, <!-- a comment -->.',
      `![pixel](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==)`,
      'Search https://www.google.com/search?q=secret%20scanning%20canon&hl=en',
      '',
    ].join('\n');
    repo.write(NOTE, sessionNote('RT-260511-02', { why_note: '>\n  A long reason that folds\n  across two lines.' }, body));
    repo.git(['add', NOTE]);
    const result = repo.git(['commit', '-m', 'clean note'], { allowFail: true });
    expect(result.stderr).not.toMatch(/secret\//);
    expect(result.code).toBe(0);
    expect(repo.head()).not.toBe(head);
    repo.git(['reset', '-q', '--hard', head]);
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
