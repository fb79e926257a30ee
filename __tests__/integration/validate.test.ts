import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { createGitRepo, runCli, type GitRepo } from '../helpers/git-repo.js';
import { sessionNote, workstreamNote } from '../helpers/notes.js';
import { repoTemplate } from '../helpers/repo-template.js';

let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

/** An empty store (git init, operators.yaml) made once and copied per test; each test writes its own files. */
const empty = repoTemplate(() => createGitRepo());
afterAll(() => empty.cleanup());
function storeWith(options: { files?: Record<string, string> } = {}): GitRepo {
  const r = empty.copy();
  for (const [rel, text] of Object.entries(options.files ?? {})) r.write(rel, text);
  return r;
}

function validate(r: GitRepo, ...args: string[]) {
  return runCli(['validate', ...args], { cwd: r.dir, env: r.env });
}

describe('canon validate', () => {
  test('a clean store passes with exit 0; --json reports counts', () => {
    repo = storeWith({ files: { 'docs/sessions/RT-260511-01.md': sessionNote('RT-260511-01'), 'workstreams/hooks.md': workstreamNote('hooks') } });
    const result = validate(repo, '--all', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ files: 2, errors: 0, warnings: 0, issues: [] });
  });

  test.each([
    [
      'missing required key',
      sessionNote('RT-260511-01').replace('summary: Work of RT-260511-01.\n', ''),
      /RT-260511-01\.md:2:1: error \/summary is required but missing \[schema\/required\]/,
    ],
    ['wrong type with its line', sessionNote('RT-260511-01', { tags: 'hooks' }), /RT-260511-01\.md:8:1: error \/tags must be a list/],
    ['malformed YAML', '---\ntitle: [unclosed\nkind: session\n---\n', /RT-260511-01\.md:\d+:\d+: error invalid YAML.*\[frontmatter\/yaml\]/],
    ['---js front matter', '---js\nprocess.exit(42)\n---\n', /front matter language "js" is not allowed.*\[frontmatter\/engine\]/],
    [
      'path-traversal id',
      sessionNote('RT-260511-01', { external_id: '../../x' }),
      /\/external_id is "..\/..\/x" but the file name says "RT-260511-01" \[id\/filename\]/,
    ],
    [
      'unknown operator',
      sessionNote('RT-260511-01', { operator: 'mallory' }),
      /:3:1: error \/operator is "mallory", which is not a slug in .claude\/operators.yaml \[operator\/unknown\]/,
    ],
    ['binary bytes', '---\ntitle: x\u0000\n---\n', /holds binary data.*\[file\/binary\]/],
    ['a 10 MB note', `${sessionNote('RT-260511-01')}${'x'.repeat(10 * 1024 * 1024)}\n`, /is 10\.0 MB; a note may hold at most 1024 KB.*\[file\/too-large\]/],
    ['no front matter', '# Just a heading\n', /:1:1: error has no front matter.*\[frontmatter\/missing\]/],
    [
      'a YAML alias bomb',
      `---\na: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n---\n`,
      /:2:1: error YAML aliases expand beyond 100 nodes.*\[frontmatter\/alias-bomb\]/,
    ],
  ])('%s: exit 1 and a file:line:col message', (_name, text, expected) => {
    repo = storeWith({ files: { 'docs/sessions/RT-260511-01.md': text } });
    const result = validate(repo, 'docs/sessions/RT-260511-01.md');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(expected);
  });

  test('a directory named like a note is not read as one (no EISDIR crash)', () => {
    repo = storeWith({ files: { 'docs/sessions/RT-260511-01.md': sessionNote('RT-260511-01'), 'docs/sessions/odd.md/keep.txt': 'x\n' } });
    const result = validate(repo, '--all', '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ files: 1, errors: 0 });
    const resume = runCli(['resume', '--json', '--operator', 'roman'], { cwd: repo.dir, env: repo.env });
    expect(resume.code).toBe(0);
    expect(JSON.parse(resume.stdout).last_session.id).toBe('RT-260511-01');
  });

  test('CRLF and BOM notes are valid and hash like their LF twin', () => {
    const lf = sessionNote('RT-260511-01');
    repo = storeWith({ files: { 'docs/sessions/RT-260511-01.md': lf } });
    expect(runCli(['normalize', '--all'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    const normal = repo.read('docs/sessions/RT-260511-01.md');
    repo.write('docs/sessions/RT-260511-01.md', `\uFEFF${normal.replace(/\n/g, '\r\n')}`);
    expect(validate(repo, '--all', '--strict').code).toBe(0);
  });

  test('duplicate external_ids across the store are errors on both files', () => {
    repo = storeWith({
      files: {
        'docs/adr/0007-use-yaml.md': '---\ntitle: A\nstatus: accepted\nkind: adr\nexternal_id: ADR-0007\ndate: 2026-05-11\n---\n',
        'docs/adr/0007-use-json.md': '---\ntitle: B\nstatus: accepted\nkind: adr\nexternal_id: ADR-0007\ndate: 2026-05-11\n---\n',
      },
    });
    const result = validate(repo, '--all');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/0007-use-json\.md:5:1: error \/external_id "ADR-0007" is also the id of docs\/adr\/0007-use-yaml\.md \[id\/duplicate\]/);
    expect(result.stdout).toMatch(/0007-use-yaml\.md.*\[id\/duplicate\]/);
    // Checking one ADR still finds its sibling (without reading the whole store).
    expect(validate(repo, 'docs/adr/0007-use-json.md').stdout).toMatch(/id\/duplicate/);
  });

  test('an unknown workstream is a warning; a stale hash is an error only with --strict', () => {
    repo = storeWith({
      files: { 'docs/sessions/RT-260511-01.md': sessionNote('RT-260511-01', { workstream: 'nowhere', content_hash: `sha256:${'0'.repeat(64)}` }) },
    });
    const loose = validate(repo, '--all');
    expect(loose.code).toBe(0);
    expect(loose.stdout).toMatch(/warning \/workstream names workstream "nowhere".*\[workstream\/unknown\]/);
    const strict = validate(repo, '--all', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/error \/content_hash is stale.*\[hash\/stale\]/);
  });

  test('--strict warns about a non-zero Notion-silent counter and requires the invariant key', () => {
    const text = sessionNote('RT-260511-01').replace('---\n## Summary', 'tool_calls_breakdown:\n  Bash: 2\n  mcp__notion_offplan: 3\n---\n## Summary');
    repo = storeWith({
      files: {
        'docs/sessions/RT-260511-01.md': text,
        'docs/sessions/RT-260511-02.md': text.replace(/RT-260511-01/g, 'RT-260511-02').replace('  mcp__notion_offplan: 3\n', ''),
      },
    });
    const result = validate(repo, '--all', '--strict');
    expect(result.stdout).toMatch(/RT-260511-01\.md:\d+:\d+: warning \/tool_calls_breakdown\/mcp__notion_offplan is 3.*\[invariant\/forbidden-mcp\]/);
    expect(result.stdout).toMatch(/RT-260511-02\.md:\d+:1: error \/tool_calls_breakdown must contain the invariant key "mcp__notion_offplan"/);
  });

  test('claim stubs are valid; templates and INDEX files are not notes', () => {
    repo = storeWith({
      files: {
        'docs/sessions/RT-260511-03.md': '---\nclaimed_at: 2026-05-11T10:00:00Z\noperator: roman\nkind: session\n---\n',
        'docs/sessions/TEMPLATE.md': '---\ntitle: placeholder\n---\n',
        'docs/sessions/INDEX.md': 'anything\n',
      },
    });
    const result = validate(repo, '--all', '--json');
    expect(JSON.parse(result.stdout)).toMatchObject({ files: 1, errors: 0 });
  });

  test('a malformed operators.yaml is a configuration error with its line (exit 2)', () => {
    repo = storeWith({
      files: { 'docs/sessions/RT-260511-01.md': sessionNote('RT-260511-01'), '.claude/operators.yaml': 'operators:\n  - slug: roman\n\tinitials: RT\n' },
    });
    const result = validate(repo, '--all');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\.claude\/operators\.yaml:3:\d+: invalid YAML/);
  });

  test('usage errors exit 2', () => {
    repo = storeWith();
    expect(validate(repo, '--all', '--staged').code).toBe(2);
    expect(validate(repo, '--no-such-flag').code).toBe(2);
  });
});

describe('canon normalize and canon index', () => {
  test('normalize --check exits 1 without writing; normalize writes; index is deterministic', () => {
    const text = sessionNote('RT-260511-01');
    repo = storeWith({ files: { 'docs/sessions/RT-260511-01.md': text, 'workstreams/hooks.md': workstreamNote('hooks') } });
    const check = runCli(['normalize', '--all', '--check', '--json'], { cwd: repo.dir, env: repo.env });
    expect(check.code).toBe(1);
    expect(JSON.parse(check.stdout).changed).toEqual(['docs/sessions/RT-260511-01.md', 'workstreams/hooks.md']);
    expect(repo.read('docs/sessions/RT-260511-01.md')).toBe(text);
    expect(runCli(['normalize', '--all'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    expect(runCli(['normalize', '--all', '--check'], { cwd: repo.dir, env: repo.env }).code).toBe(0);

    expect(runCli(['index', '--check'], { cwd: repo.dir, env: repo.env }).code).toBe(1);
    expect(runCli(['index'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    const first = repo.read('docs/sessions/INDEX.md');
    expect(runCli(['index', '--check', '--json'], { cwd: repo.dir, env: repo.env })).toMatchObject({ code: 0 });
    expect(runCli(['index'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    expect(repo.read('docs/sessions/INDEX.md')).toBe(first);
    expect(repo.read('docs/INDEX.md')).toContain('[sessions/INDEX.md](sessions/INDEX.md)');
  });

  test('index refuses to overwrite an INDEX.md canon did not generate', () => {
    repo = storeWith({ files: { 'docs/sessions/RT-260511-01.md': sessionNote('RT-260511-01'), 'docs/sessions/INDEX.md': 'My own notes.\n' } });
    const result = runCli(['index'], { cwd: repo.dir, env: repo.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/docs\/sessions\/INDEX\.md exists but was not generated by canon/);
    expect(repo.read('docs/sessions/INDEX.md')).toBe('My own notes.\n');
  });
});
