/**
 * The clean corpus (ADR-0021): ordinary notes (sessions, ADRs, workstreams) as a team writes them,
 * holding everything that looks a little like a secret and is not: commit ids, UUIDs, content
 * hashes, Notion page ids, documented example keys, placeholders, prose about passwords and API
 * keys, code reading secrets from the environment, URLs with users but no passwords, base64 images,
 * markup, tables. Generated from a seed: the same notes on every run. The secret scan must find
 * nothing in any of them (ADR-0021).
 */

import { seededRandom } from '../../tools/seeded-random.mjs';

const next = seededRandom(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(next() * 16)]).join('');
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
const pad = (n: number) => String(n).padStart(2, '0');

const OPERATORS = ['roman', 'ana', 'li-wei', 'sam', 'fatima', 'jonas'];
const TOPICS = ['sync', 'hooks', 'index', 'render', 'handoff', 'worker', 'links', 'vault', 'resume', 'bench', 'schema', 'notion'];
const VERBS = ['Fix', 'Add', 'Refactor', 'Document', 'Speed up', 'Test', 'Rename', 'Harden', 'Drop', 'Split'];
const OBJECTS = [
  'the pre-commit door',
  'INDEX rows for archived notes',
  'the Notion rate limiter',
  'content_hash stamping',
  'the Session Log merge',
  'wikilink resolution',
  'the render manifest',
  'claim stubs',
  'the transcript archive',
  'YAML frontmatter parsing',
];

// A 1×1 PNG, as a note embeds a screenshot inline (data: URL).
const PNG_1x1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** Paragraphs that talk about secrets without holding one. */
const PROSE = [
  'The password is never stored in the repository; each developer keeps it in the keychain.',
  'We rotated the api_key after the audit; the new one lives in 1Password, not here.',
  'Password: see the team vault (entry "notion-sync").',
  'Token: stored in the `NOTION_TOKEN` repository secret.',
  'Set `NOTION_TOKEN` and `NOTION_DATABASE_ID` before running `canon sync --apply`.',
  'The secret scanner refuses ghp_, glpat- and sk- prefixes; the docs list them all.',
  'AWS documents AKIAIOSFODNN7EXAMPLE and wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY as example credentials.',
  'A placeholder such as `<your-token>` or `${TOKEN}` is not a secret, nor is `xxxx` or `****`.',
  'Remember: passwords must be rotated every 90 days, and API keys when someone leaves.',
  'Never paste a real token in a note: write `ghp_…` or `sk-****` instead.',
  'The `client_secret` field is optional for public clients (PKCE).',
  'Use the **secret** manager; __do not__ commit `.env` files. See <!-- todo: link --> the runbook.',
  'The old `password_policy: strict` setting was replaced by `auth.mode: sso`.',
  'Our token budget is 200k per session; `max_tokens: 4096` per call.',
  'OAuth flow: the browser gets a code, the server trades it for an access token, the token expires after an hour.',
  'secret_sauce is the codename of the ranking experiment, nothing to do with credentials.',
  'Ran sk-learn and task-ask on the data set; eyJ is how every JWT starts.',
  'The connection string has the form `postgres://user:password@host:5432/db`.',
  'For local development: `redis://localhost:6379/0`, `amqp://guest:guest@localhost:5672/`.',
  'Compose uses `postgres://postgres:postgres@db:5432/app` on the internal network.',
  'Clone with `git clone git@github.com:canon-dev/canon.git` or `https://github.com/canon-dev/canon.git`.',
  'Connect with `ssh deploy@bastion.example.org` and then `psql -h db -U app`.',
  'The API key header is `X-Api-Key: <key>`; the bearer form is `Authorization: Bearer $TOKEN`.',
  'In the table below, "secret" marks fields that are masked in logs.',
  'Check the PASSWORD_MIN_LENGTH constant and the `passwordStrength()` helper.',
  'We store only the SHA-256 of the token (`token_sha256`), never the token itself.',
];

const CODE_BLOCKS = [
  '```ts\nconst token = process.env.NOTION_TOKEN;\nif (!token) throw new Error("NOTION_TOKEN is not set");\nconst apiKey = config.apiKey ?? process.env.API_KEY;\n```',
  '```python\nimport os\napi_key = os.environ["OPENAI_API_KEY"]\npassword = os.getenv("DB_PASSWORD")\nclient = Client(api_key=api_key)\n```',
  '```sh\nexport NOTION_TOKEN="$(pass show notion/token)"\nexport DB_PASSWORD=${DB_PASSWORD:?set it first}\ncurl -H "Authorization: Bearer $NOTION_TOKEN" https://api.notion.com/v1/users/me\n```',
  '```yaml\nservices:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n      POSTGRES_USER: app\n    ports:\n      - "5432:5432"\n```',
  '```yaml\nenv:\n  NOTION_TOKEN: ${{ secrets.NOTION_TOKEN }}\n  GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\nsteps:\n  - uses: actions/checkout@v4\n  - run: npx canon verify --since origin/main\n```',
  '```yaml\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: app\n      env:\n        - name: API_KEY\n          valueFrom:\n            secretKeyRef:\n              name: app-secrets\n              key: api-key\n```',
  '```json\n{\n  "name": "canon-notes",\n  "version": "0.1.0",\n  "password": "<set in .env>",\n  "token": "",\n  "apiKey": null\n}\n```',
  '```ini\n# .env.example\nNOTION_TOKEN=\nNOTION_DATABASE_ID=\nDB_PASSWORD=changeme\nAPI_KEY=your-api-key-here\nSECRET_KEY=xxxxxxxxxxxxxxxx\n```',
  '```ts\ninterface Credentials {\n  username: string;\n  password: string;\n  apiKey?: string;\n  token: string | undefined;\n}\n```',
  '```go\ntoken := os.Getenv("GITHUB_TOKEN")\nsecret, err := vault.Read("kv/data/app")\n```',
  '```sql\nSELECT id, title, content_hash FROM notes WHERE synced_hash <> content_hash;\n```',
  '```diff\n- "version": "0.0.9",\n+ "version": "0.1.0",\n```',
  '```ts\nconst password = await prompt({ type: "password", message: "Password:" });\nconst hashed = await bcrypt.hash(password, 12);\n```',
  '```toml\n[tool.poetry]\nname = "canon"\n\n[[tool.poetry.source]]\nurl = "https://pypi.org/simple"\n```',
  '```sh\ngit log --oneline -3\n# 0bdd369 The link pre-check does not backtrack\n# e7cda10 Review: the Worker is not done\n```',
];

function commitLine(): string {
  return `- \`${hex(7)}\` ${pick(VERBS)} ${pick(OBJECTS)}`;
}

function fullCommit(): string {
  return `${hex(40)}`;
}

function table(): string {
  const rows = Array.from({ length: int(2, 5) }, () => `| ${pick(TOPICS)} | \`${hex(12)}\` | ${uuid()} | ${int(1, 999)} ms |`);
  return ['| area | hash | request id | p50 |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function urls(): string {
  return [
    `- Notion page: https://www.notion.so/canon/${pick(TOPICS)}-${hex(32)}`,
    `- PR: https://github.com/canon-dev/canon/pull/${int(10, 900)}#discussion_r${int(100000000, 999999999)}`,
    `- Search: https://www.google.com/search?q=secret%20scanning%20${pick(TOPICS)}&hl=en`,
    `- Docs: https://developers.notion.com/reference/patch-page#${pick(['properties', 'archived', 'icon'])}`,
    `- CI: https://github.com/canon-dev/canon/actions/runs/${int(1000000000, 9999999999)}/job/${int(10000000000, 99999999999)}`,
    `- Image: https://user-images.githubusercontent.com/${int(100000, 999999)}/${uuid()}.png`,
  ]
    .filter(() => next() < 0.7)
    .join('\n');
}

function frontmatterOf(kind: 'session' | 'adr' | 'workstream', n: number): string {
  const date = `2026-${pad(int(1, 12))}-${pad(int(1, 28))}`;
  const topic = pick(TOPICS);
  const base = [
    `title: ${pick(VERBS)} ${pick(OBJECTS)} (${topic})`,
    `summary: "${pick(VERBS)} ${pick(OBJECTS)}; ${pick(PROSE).replace(/"/g, "'").replace(/\\/g, '')}"`,
    `tags: [${topic}, ${pick(TOPICS)}]`,
  ];
  const sync = next() < 0.6 ? [`notion_page_id: ${uuid()}`, `synced_hash: sha256:${hex(64)}`, 'sync_status: synced'] : [];
  const folded =
    next() < 0.3
      ? [
          'why_note: >',
          `  The ${topic} change needed a note because ${pick(OBJECTS)} behaved`,
          `  differently on ${pick(['Windows', 'macOS', 'a sparse checkout', 'a shallow clone'])}; see ${hex(7)}.`,
        ]
      : [];
  if (kind === 'session') {
    const id = `${pick(['RT', 'AN', 'LW', 'SM'])}-26${pad(int(1, 12))}${pad(int(1, 28))}-${pad((n % 99) + 1)}`;
    return [
      '---',
      ...base,
      `operator: ${pick(OPERATORS)}`,
      'kind: session',
      `external_id: ${id}`,
      `date: ${date}`,
      `workstream: ${topic}`,
      `commits: [${hex(7)}, ${hex(7)}]`,
      ...folded,
      ...sync,
      `content_hash: sha256:${hex(64)}`,
      '---',
    ].join('\n');
  }
  if (kind === 'adr') {
    return [
      '---',
      ...base,
      'status: accepted',
      'kind: adr',
      `external_id: ADR-${String(n).padStart(4, '0')}`,
      `date: ${date}`,
      'deciders: [canon-dev]',
      ...folded,
      ...sync,
      `content_hash: sha256:${hex(64)}`,
      '---',
    ].join('\n');
  }
  return [
    '---',
    ...base,
    `owner: ${pick(OPERATORS)}`,
    `status: ${pick(['active', 'paused', 'done'])}`,
    'kind: workstream',
    `external_id: WS-${topic}-${n}`,
    ...folded,
    ...sync,
    `content_hash: sha256:${hex(64)}`,
    '---',
  ].join('\n');
}

function sessionBody(): string {
  const parts = [
    '## Summary',
    '',
    `${pick(PROSE)} ${pick(PROSE)}`,
    '',
    '## Commits',
    '',
    ...Array.from({ length: int(2, 6) }, commitLine),
    '',
    `Merged as ${fullCommit()} on \`main\`; rebased onto ${fullCommit().slice(0, 12)}.`,
    '',
    '## Details',
    '',
    pick(CODE_BLOCKS),
    '',
    `- request id ${uuid()}, trace ${hex(32)}, span ${hex(16)}`,
    `- built \`dist/canon.js\` (sha256:${hex(64)}), ${int(100, 999)} KB`,
    `- _note_: ${pick(PROSE)}`,
    '',
    urls(),
    '',
    '## Resume Prompt',
    '',
    `Continue with ${pick(OBJECTS)}; the **open** question is ${pick(PROSE).toLowerCase()}`,
  ];
  if (next() < 0.3) parts.push('', '## Screenshot', '', `![sync dashboard](data:image/png;base64,${PNG_1x1})`);
  if (next() < 0.4) parts.push('', table());
  if (next() < 0.3) parts.push('', `<!-- canon:changelog 2026-${pad(int(1, 12))} -->`, `<details><summary>Log</summary>\n\n${pick(CODE_BLOCKS)}\n\n</details>`);
  return parts.join('\n');
}

function adrBody(): string {
  return [
    '## Context',
    '',
    `${pick(PROSE)} ${pick(PROSE)} The previous decision (ADR-${String(int(1, 20)).padStart(4, '0')}) left ${pick(OBJECTS)} open.`,
    '',
    '## Decision',
    '',
    `- ${pick(VERBS)} ${pick(OBJECTS)}.`,
    `- Keep \`content_hash\` as \`sha256:\` + 64 hex; \`synced_hash\` likewise.`,
    `- ${pick(PROSE)}`,
    '',
    pick(CODE_BLOCKS),
    '',
    '## Consequences',
    '',
    `${pick(PROSE)} Measured: ${int(100, 900)} ms before, ${int(50, 400)} ms after (commit ${hex(7)}).`,
    '',
    table(),
  ].join('\n');
}

function workstreamBody(): string {
  const log = Array.from(
    { length: int(3, 9) },
    () =>
      `- [${pick(['RT', 'AN', 'LW'])}-26${pad(int(1, 12))}${pad(int(1, 28))}-0${int(1, 9)}](../sessions/x.md) (2026-${pad(int(1, 12))}-${pad(int(1, 28))}): ${pick(VERBS)} ${pick(OBJECTS)} in ${hex(7)}`,
  );
  return [
    '## Goal',
    '',
    `${pick(PROSE)}`,
    '',
    '## Open questions',
    '',
    `- ${pick(PROSE)}`,
    `- ${pick(PROSE)}`,
    '',
    urls(),
    '',
    '## Session Log',
    '',
    ...log,
  ].join('\n');
}

export interface CleanNote {
  file: string;
  text: string;
}

/** `count` ordinary notes: sessions, ADRs and workstreams in turn. */
export function cleanCorpus(count = 240): CleanNote[] {
  const notes: CleanNote[] = [];
  for (let n = 1; n <= count; n++) {
    const kind = (['session', 'session', 'adr', 'workstream'] as const)[n % 4]!;
    const body = kind === 'session' ? sessionBody() : kind === 'adr' ? adrBody() : workstreamBody();
    const folder = kind === 'session' ? 'docs/sessions' : kind === 'adr' ? 'docs/adr' : 'workstreams';
    notes.push({ file: `${folder}/note-${n}.md`, text: `${frontmatterOf(kind, n)}\n${body}\n` });
  }
  return notes;
}
