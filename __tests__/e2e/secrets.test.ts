import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { createGitRepo, runCliAsync, type GitRepo } from '../helpers/git-repo.js';
import { storeTemplate } from '../helpers/repo-template.js';
import { startFakeNotion, type FakeNotion } from '../helpers/fake-notion.js';
import { sessionNote } from '../helpers/notes.js';
import { r, SAMPLES } from '../helpers/secret-samples.js';
import { columnOf, CORPUS, gen } from '../helpers/secret-corpus.js';

const NOTE = 'docs/sessions/RT-260511-02.md';
const escapeRule = (rule: string) => rule.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The store every commit here starts from: canon's hooks laid, one commit with no note (past the
 * hooks: it holds only a README, nothing the hooks would add to). Copied per refused commit.
 */
const template = storeTemplate({ hooks: true }, (repo) => {
  repo.write('README.md', 'store\n');
  repo.git(['add', '-A']);
  repo.git(['-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'init']);
});
afterAll(() => template.cleanup());

/** A case of a refused commit: the note it stages, where the refusal must point, and the secret it must never print. */
interface Leak {
  name: string;
  text: string;
  line: number;
  /** What the refusal line of the note must match after `path:line:`. */
  tail: RegExp;
  /** What must never be printed: a stretch of the secret past what the mask shows. */
  hidden: string;
  /** What the masked value shows (the secret's first four characters, or `shown`), followed by eight stars. */
  shown: string;
}

/**
 * One real `git commit` through canon's hooks staging one note per case: what each case costs is
 * its note, not a commit of its own (a canon pre-commit and some twenty git processes). The commit
 * is made the first time a test of the batch asks (a test run alone with -t makes it too), in a copy
 * of the store; each test then reads the refusal of its own note: path:line:column and rule on the
 * note's own line, the value masked on that line, and the note as it was written.
 */
function refusedCommit(leaks: Leak[]) {
  let made: { repo: GitRepo; head: string; result: { code: number; stdout: string; stderr: string } } | undefined;
  const rel = (i: number) => `docs/sessions/RT-260511-${i + 10}.md`;
  const textOf = (i: number) => leaks[i]!.text.replaceAll('RT-260511-02', `RT-260511-${i + 10}`);
  const make = () => {
    if (made) return made;
    const repo = template.copy();
    const head = repo.head();
    leaks.forEach((_, i) => repo.write(rel(i), textOf(i)));
    repo.git(['add', '-A']);
    const result = repo.git(['commit', '-m', 'leak'], { allowFail: true });
    made = { repo, head, result };
    return made;
  };
  return {
    /** Assert everything the refusal promises for `leaks[i]`. */
    expectRefused(i: number) {
      const { repo, head, result } = make();
      const leak = leaks[i]!;
      const note = rel(i);
      expect(result.code).not.toBe(0);
      const lines = result.stderr.split('\n').filter((l) => l.startsWith(`${note}:`));
      expect(lines).toEqual([expect.stringMatching(new RegExp(`^${note}:${leak.line}:${leak.tail.source}`))]);
      expect(lines[0]).toContain(`${leak.shown}********`);
      expect(result.stderr + result.stdout).not.toContain(leak.hidden);
      expect(result.stderr).toContain('Nothing was committed.');
      expect(repo.head()).toBe(head);
      expect(repo.read(note)).toBe(textOf(i)); // a refused commit rewrites nothing
    },
    cleanup: () => made?.repo.cleanup(),
  };
}

describe('pre-commit refuses every kind of secret through a real git commit, masked', () => {
  // Lines are those of the note as committed: pre-commit adds content_hash at the end of the frontmatter.
  const leak = (name: string, text: string, line: number, rule: string, secret: string): Leak => ({
    name,
    text,
    line,
    tail: new RegExp(`\\d+: error .*\\[secret/${escapeRule(rule)}\\]`),
    hidden: secret.slice(0, 12),
    shown: secret.slice(0, 4),
  });
  const key = SAMPLES[0]![1];
  const ghToken = `ghp_${r('a1B2c3D4e5', 36)}`;
  const awsId = SAMPLES[1]![1];
  const slack = SAMPLES.find(([name]) => name === 'Slack bot token')![1];
  const leaks: Leak[] = [
    ...SAMPLES.map(([name, secret, rule]) =>
      leak(`a ${name} in the body`, sessionNote('RT-260511-02', {}, `## Summary\n\nDone.\n\nleaked ${secret} here\n`), 14, rule, secret),
    ),
    leak('a Google API key in a frontmatter value', sessionNote('RT-260511-02', { why_note: `key ${key}` }), 8, 'GOOGLE_API_KEY', key),
    leak(
      'a Google API key in the Resume Prompt',
      sessionNote('RT-260511-02', {}, `## Summary\n\nDone.\n\n## Resume Prompt\n\nUse ${key} to call the API.\n`),
      16,
      'GOOGLE_API_KEY',
      key,
    ),
    leak(
      'a GitHub token written as a YAML \\u escape in a double-quoted value',
      sessionNote('RT-260511-02', { why_note: `"\\u0067${ghToken.slice(1)}"` }),
      8,
      'GITHUB_TOKEN',
      ghToken,
    ),
    leak(
      'an AWS key id written as a YAML escape in a key',
      `${sessionNote('RT-260511-02').replace('\n---\n', `\nmeta:\n  "\\x41${awsId.slice(1)}": yes\n---\n`)}`,
      9,
      'AWSAccessKeyID',
      awsId,
    ),
    leak(
      'a Slack token written with a Markdown escape in the body',
      sessionNote('RT-260511-02', {}, `## Summary\n\nDone.\n\nhook ${slack.replace('xoxb-', 'xoxb\\-')}\n`),
      14,
      'SLACK_TOKEN',
      slack,
    ),
  ];
  const commit = refusedCommit(leaks);
  afterAll(() => commit.cleanup());

  test.each(leaks.map((l, i) => [l.name, i] as const))('%s', (_name, i) => commit.expectRefused(i));
});

describe('the wider scan (ADR-0021) through a real git commit: new kinds, assignments, URL passwords, disguises', () => {
  /** Refused, naming path:line:column and the rule, masked as `shown********`. */
  const leak = (name: string, text: string, line: number, column: number, rule: string, shown: string, secret: string): Leak => ({
    name,
    text,
    line,
    tail: new RegExp(`${column}: error .*\\(${escapeRule(shown)}\\*{8}, ${rule}\\).*\\[secret/${rule}\\]`),
    hidden: secret.slice(4, 14),
    shown,
  });

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
  const token = `ghp_${gen('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 36)}`;
  const disguises: Array<[string, string, number]> = [
    ['base64-wrapped', `cfg ${btoa(`GITHUB_TOKEN=${token}`)}`, 5],
    ['percent-encoded in a URL', `https://app.example.org/cb?code=%67hp%5F${token.slice(4)}`, 33],
    ['split by a zero-width space', `t ${token.slice(0, 9)}\u200B${token.slice(9)}`, 3],
    ['split by **bold**', `t ${token.slice(0, 9)}**${token.slice(9, 20)}**${token.slice(20)}`, 3],
    ['split by an HTML comment', `t ${token.slice(0, 9)}<!-- x -->${token.slice(9)}`, 3],
  ];
  const leaks: Leak[] = [
    ...KINDS.map((kind) => {
      const sample = CORPUS.find((s) => s.kind === kind)!;
      const shown = sample.line.slice(columnOf(sample) - 1, columnOf(sample) + 3);
      return leak(
        `${kind} in the body`,
        sessionNote('RT-260511-02', {}, `## Summary\n\nDone.\n\n${sample.line}\n`),
        14,
        columnOf(sample),
        sample.rule,
        shown,
        sample.secret,
      );
    }),
    ...disguises.map(([name, line, column]) =>
      leak(`a GitHub token ${name}`, sessionNote('RT-260511-02', {}, `## Summary\n\nDone.\n\n${line}\n`), 14, column, 'GITHUB_TOKEN', 'ghp_', token),
    ),
    leak(
      'a GitHub token folded across lines of a YAML value',
      sessionNote('RT-260511-02', { why_note: `rotated ${token.slice(0, 16)}\n  ${token.slice(16)} today` }),
      8,
      19,
      'GITHUB_TOKEN',
      'ghp_',
      token,
    ),
  ];
  const commit = refusedCommit(leaks);
  afterAll(() => commit.cleanup());

  test.each(leaks.map((l, i) => [l.name, i] as const))('%s', (_name, i) => commit.expectRefused(i));

  test('a note full of look-alikes (placeholders, example keys, hashes, ids, defaults) is committed', () => {
    const repo = template.copy();
    try {
      const head = repo.head();
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
    } finally {
      repo.cleanup();
    }
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
