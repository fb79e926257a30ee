import { describe, expect, test } from '@jest/globals';
import { findSecretRanges, findSecretsInNote, maskSecrets } from '../../tools/core/secret-scan.js';
import { cleanCorpus } from '../helpers/clean-corpus.js';
import { sessionNote } from '../helpers/notes.js';
import { CORPUS, columnOf, gen, KINDS } from '../helpers/secret-corpus.js';

// ADR-0021: secret coverage at least gitleaks', disguises undone, no false positives.

const FILE = 'docs/sessions/RT-260511-01.md';
const BODY_LINE = 9; // the first body line of sessionNote(): `---` closes its six-key frontmatter on line 8

/** A body line holding `line` after a summary, as a note would. */
const noteWith = (line: string) => sessionNote('RT-260511-01', {}, `${line}\n\n## Summary\n\nDone.\n`);

describe('the secret corpus: every kind is refused, named by its rule, at its line and column, masked', () => {
  test('the corpus holds at least 50 kinds', () => {
    expect(KINDS.size).toBeGreaterThanOrEqual(50);
  });

  test.each(CORPUS.map((s) => [s.kind, s] as const))('%s', async (_kind, sample) => {
    const text = noteWith(sample.line);
    const issues = await findSecretsInNote(text, FILE);
    expect(issues.map((i) => [i.file, i.line, i.column, i.rule])).toEqual([[FILE, BODY_LINE, columnOf(sample), `secret/${sample.rule}`]]);
    const message = issues[0]!.message;
    expect(message).toMatch(/[^*]{4}\*{8}/);
    // Masked: nothing of the secret past its first four characters is in the message.
    expect(JSON.stringify(issues)).not.toContain(sample.secret.slice(0, Math.min(12, sample.secret.length - 2)));
  });

  test.each(CORPUS.filter((s) => !s.line.includes('"') && !s.line.includes('\\')).map((s) => [s.kind, s] as const))(
    '%s in a frontmatter value is refused on its line',
    async (_kind, sample) => {
      const text = sessionNote('RT-260511-01', { why_note: `'${sample.line.replace(/'/g, "''")}'` });
      const issues = await findSecretsInNote(text, FILE);
      expect(issues.map((i) => [i.line, i.rule])).toEqual([[8, `secret/${sample.rule}`]]);
    },
  );

  test('maskSecrets masks every sample of the corpus in free text', async () => {
    const text = CORPUS.map((s) => s.line).join('\n');
    const masked = await maskSecrets(text);
    expect(masked.found).toBe(CORPUS.length);
    for (const s of CORPUS) expect(masked.text).not.toContain(s.secret.slice(0, Math.min(12, s.secret.length - 2)));
  });
});

describe('assignments and URLs: placeholders, references and defaults are not secrets', () => {
  const clean = [
    'PASSWORD=changeme',
    'DB_PASSWORD: ${DB_PASSWORD}',
    'export API_KEY="$API_KEY"',
    'api_key = os.environ["API_KEY"]',
    'const apiKey = process.env.API_KEY;',
    'password: <your-password>',
    'token: xxxxxxxxxxxxxxxxxxxxxxxx',
    'SECRET_KEY=****************',
    'client_secret: your-client-secret-here',
    'password_policy: strict',
    'max_tokens: 4096',
    'secret_sauce = 1',
    'password: string;',
    'Password: see the team vault.',
    'NOTION_TOKEN: ${{ secrets.NOTION_TOKEN }}',
    'key: api-key',
    'postgres://user:password@localhost:5432/db',
    'postgres://postgres:postgres@db:5432/app',
    'amqp://guest:guest@localhost:5672/',
    'redis://:${REDIS_PASSWORD}@cache:6379',
    'https://x-access-token:${GITHUB_TOKEN}@github.com/o/r.git',
    'mongodb://admin:<password>@cluster0.example.net',
    'git clone git@github.com:canon-dev/canon.git',
    'ssh://git@github.com/canon-dev/canon.git',
    'Authorization: Bearer $TOKEN',
    'Authorization: Bearer <token>',
    'AWS example: AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    `content_hash: sha256:${'ab12'.repeat(16)}`,
    `synced_hash: sha256:${'9f8e'.repeat(16)}`,
    `notion_page_id: 1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f`,
    `commit ${'a1b2c3d4e5'.repeat(4)} and ${'0bdd369'}`,
    '[![codecov](https://codecov.io/gh/o/r/branch/main/graph/badge.svg?token=yZL6LtXkOA)](https://codecov.io/gh/o/r)',
    'PASSWORD=(see the vault) and token=[redacted]',
  ];
  test.each(clean)('%s', async (line) => {
    expect(await findSecretsInNote(noteWith(line), FILE)).toEqual([]);
  });

  test('a real value in the same shapes is refused', async () => {
    const value = `Zq7${gen('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 21)}`;
    for (const [line, rule] of [
      [`PASSWORD=${value}`, 'PASSWORD_ASSIGNMENT'],
      [`  db_password: "${value}"`, 'PASSWORD_ASSIGNMENT'],
      [`SECRET_KEY=${value}`, 'SECRET_ASSIGNMENT'],
      [`"apiKey": "${value}",`, 'SECRET_ASSIGNMENT'],
      [`redis://:${value}@cache.internal:6379`, 'URL_PASSWORD'],
      [`amqp://svc:${value}@mq.internal/vhost`, 'URL_PASSWORD'],
      [`curl -H 'Authorization: Bearer ${value}' https://api.example.org`, 'AUTHORIZATION_HEADER'],
      [`https://api.example.org/v1/me?access_token=${value}&fields=id`, 'SECRET_ASSIGNMENT'],
      [`[link](https://hooks.example.org/in?token=${value})`, 'SECRET_ASSIGNMENT'],
    ]) {
      const issues = await findSecretsInNote(noteWith(line!), FILE);
      expect(issues.map((i) => [i.line, i.column, i.rule])).toEqual([[BODY_LINE, line!.indexOf(value) + 1, `secret/${rule}`]]);
      expect(issues[0]!.message).toContain(`${value.slice(0, 4)}********`);
      expect(issues[0]!.message).not.toContain(value.slice(0, 8));
    }
  });
});

describe('disguises: the token a reader gets is refused, at its place in the file, masked', () => {
  const token = `ghp_${gen('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 36)}`;
  const postman = `PMAK-${gen('0123456789abcdef', 24)}-${gen('0123456789abcdef', 34)}`;

  /** [name, note body line, column of the finding, rule, how the message names the disguise] */
  const cases: Array<[string, string, number, string, RegExp]> = [
    ['base64-wrapped', `config: ${btoa(`GITHUB_TOKEN=${token}`)}`, 9, 'GITHUB_TOKEN', /hidden by base64/],
    [
      'base64url in a URL',
      `https://app.example.org/cb?state=${btoa(JSON.stringify({ t: token }))
        .replace(/=+$/, '')
        .replace(/\+/g, '-')
        .replace(/\//g, '_')}`,
      34,
      'GITHUB_TOKEN',
      /base64/,
    ],
    ['percent-encoded in a URL', `https://app.example.org/cb?code=%67hp%5F${token.slice(4)}&x=1`, 33, 'GITHUB_TOKEN', /percent-encoding/],
    ['split by U+200B', `token ${token.slice(0, 9)}\u200B${token.slice(9)}`, 7, 'GITHUB_TOKEN', /zero-width/],
    ['split by U+200C', `token ${token.slice(0, 9)}\u200C${token.slice(9)}`, 7, 'GITHUB_TOKEN', /zero-width/],
    ['split by U+200D', `token ${token.slice(0, 9)}\u200D${token.slice(9)}`, 7, 'GITHUB_TOKEN', /zero-width/],
    ['split by U+2060', `token ${token.slice(0, 9)}\u2060${token.slice(9)}`, 7, 'GITHUB_TOKEN', /zero-width/],
    ['split by U+FEFF', `token ${token.slice(0, 9)}\uFEFF${token.slice(9, 20)}\uFEFF${token.slice(20)}`, 7, 'GITHUB_TOKEN', /zero-width/],
    ['split by **bold**', `token ${token.slice(0, 9)}**${token.slice(9, 20)}**${token.slice(20)}`, 7, 'GITHUB_TOKEN', /inline markup/],
    ['split by _emphasis_', `token ${postman.slice(0, 5)}_${postman.slice(5, 29)}_${postman.slice(29)}`, 7, 'POSTMAN_API_KEY', /inline markup/],
    ['split by `code`', `token \`${token.slice(0, 9)}\`${token.slice(9)}`, 8, 'GITHUB_TOKEN', /inline markup/],
    ['split by an HTML comment', `token ${token.slice(0, 9)}<!-- wrap -->${token.slice(9)}`, 7, 'GITHUB_TOKEN', /inline markup/],
    ['split by an inline tag', `token ${token.slice(0, 9)}<wbr>${token.slice(9)}`, 7, 'GITHUB_TOKEN', /inline markup/],
  ];

  test.each(cases)('%s', async (_name, line, column, rule, how) => {
    expect(line).not.toContain(token);
    const text = noteWith(line);
    const issues = await findSecretsInNote(text, FILE);
    expect(issues.map((i) => [i.line, i.column, i.rule])).toEqual([[BODY_LINE, column, `secret/${rule}`]]);
    expect(issues[0]!.message).toMatch(how);
    expect(issues[0]!.message).toMatch(/\((?:ghp_|PMAK)\*{8}, /);
    expect(JSON.stringify(issues)).not.toContain(token.slice(4, 14));
    // The free-text masker (transcripts, handoff) hides it too, and names its place.
    const masked = await maskSecrets(text);
    expect(masked.found).toBe(1);
    expect(masked.text).not.toContain(line.slice(column - 1, column + 11));
    expect((await findSecretRanges(text))[0]![0]).toBe(text.indexOf(line) + column - 1);
  });

  test('a token folded across lines of a plain YAML value is refused on its first line', async () => {
    const text = `---\ntitle: x\nwhy_note: we used ${token.slice(0, 15)}\n  ${token.slice(15)} to test\nkind: session\n---\nbody\n`;
    const issues = await findSecretsInNote(text, FILE);
    expect(issues.map((i) => [i.line, i.column, i.rule])).toEqual([[3, 19, 'secret/GITHUB_TOKEN']]);
    expect(issues[0]!.message).toMatch(/folded across lines.*ghp_\*{8}/);
  });

  test('a token folded across lines of a `>` block and of a list item is refused', async () => {
    for (const [text, line, column] of [
      [`---\ntitle: x\nsummary: >\n  ${token.slice(0, 12)}\n  ${token.slice(12)}\n---\nbody\n`, 4, 3],
      [`---\ntitle: x\ntags:\n  - ${token.slice(0, 20)}\n    ${token.slice(20)}\n---\nbody\n`, 4, 5],
      [`---\ntitle: x\nsummary: "${token.slice(0, 20)}\n  ${token.slice(20)}"\n---\nbody\n`, 3, 11],
    ] as const) {
      const issues = await findSecretsInNote(text, FILE);
      expect(issues.map((i) => [i.line, i.column, i.rule])).toEqual([[line, column, 'secret/GITHUB_TOKEN']]);
    }
  });

  test('body lines are not joined, and a token plainly written is reported once, not again as disguised', async () => {
    const split = `${token.slice(0, 12)}\n${token.slice(12)}`;
    expect(await findSecretsInNote(noteWith(split), FILE)).toEqual([]);
    const issues = await findSecretsInNote(noteWith(`**${token}** and \`${token}\``), FILE);
    expect(issues.map((i) => [i.column, i.message.includes('hidden')])).toEqual([
      [3, false],
      [51, false],
    ]);
  });

  test('base64 that decodes to binary, hex hashes and images is not decoded into findings', async () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
    const lines = [`![x](data:image/png;base64,${png})`, `sha256:${'0f'.repeat(32)}`, btoa('just an ordinary sentence, nothing secret here')];
    expect(await findSecretsInNote(noteWith(lines.join('\n\n')), FILE)).toEqual([]);
  });
});

describe('the clean corpus: ordinary notes hold no findings', () => {
  const notes = cleanCorpus();
  test('it holds at least 200 notes of each kind of the store', () => {
    expect(notes.length).toBeGreaterThanOrEqual(200);
    expect(new Set(notes.map((n) => n.file.split('/')[0] + (n.file.includes('adr') ? 'adr' : '')))).toEqual(new Set(['docs', 'docsadr', 'workstreams']));
  });

  test('no note of it has a finding', async () => {
    const found: string[] = [];
    for (const note of notes) {
      for (const issue of await findSecretsInNote(note.text, note.file))
        found.push(`${issue.file}:${issue.line}:${issue.column} ${issue.rule} ${issue.message}`);
    }
    expect(found).toEqual([]);
  });

  test('maskSecrets leaves every note of it unchanged', async () => {
    for (const note of notes.slice(0, 60)) expect((await maskSecrets(note.text)).text).toBe(note.text);
  });
});
