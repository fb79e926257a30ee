import { describe, expect, test } from '@jest/globals';
import { secretLintProfiler } from '@secretlint/profiler';
import { findSecretsInNote, maskSecrets, scanSecrets } from '../../tools/core/secret-scan.js';
import { sessionNote } from '../helpers/notes.js';
import { r, SAMPLES } from '../helpers/secret-samples.js';

describe('findSecretsInNote (the one scanner of pre-commit and sync)', () => {
  test.each(SAMPLES)('finds a %s in the body, naming the line and rule, masked', async (_name, secret, rule) => {
    const text = sessionNote('RT-260511-01', {}, `## Summary\n\nDone.\n\nleaked ${secret} here\n`);
    const issues = await findSecretsInNote(text, 'docs/sessions/RT-260511-01.md');
    expect(issues.map((i) => [i.file, i.line, i.rule])).toEqual([['docs/sessions/RT-260511-01.md', 13, `secret/${rule}`]]);
    expect(issues[0]!.message).toContain(`${secret.slice(0, 4)}********`);
    expect(JSON.stringify(issues)).not.toContain(secret.slice(0, 12));
  });

  test.each(SAMPLES.filter(([name]) => name !== 'private key header'))('finds a %s in a frontmatter value', async (_name, secret, rule) => {
    const issues = await findSecretsInNote(sessionNote('RT-260511-01', { summary: `key ${secret}` }), 'n.md');
    expect(issues.map((i) => [i.line, i.rule])).toEqual([[4, `secret/${rule}`]]);
  });

  test('a GitHub token written with a YAML \\u escape in a value is found, at its line, masked', async () => {
    const token = `ghp_${r('a1B2c3D4e5', 36)}`;
    const escaped = `\\u0067${token.slice(1)}`;
    const text = sessionNote('RT-260511-01', { why_note: `"${escaped}"` });
    expect(text).not.toContain(token);
    const issues = await findSecretsInNote(text, 'n.md');
    expect(issues.map((i) => [i.line, i.rule])).toEqual([[8, 'secret/GITHUB_TOKEN']]);
    expect(issues[0]!.message).toMatch(/YAML escapes.*ghp_\*{8}/);
    expect(JSON.stringify(issues)).not.toContain(token.slice(0, 12));
  });

  test('escapes in keys, in nested lists, \\x and escaped line breaks are decoded too', async () => {
    const token = `AIza${r('Sy9xQ2w3E4r5T6y7U8i9O0p', 35)}`;
    const cases = [
      `---\ntitle: x\n"\\x41${token.slice(1)}": 1\n---\nbody\n`,
      `---\ntitle: x\nmeta:\n  deep:\n    - ok\n    - "\\u0041${token.slice(1)}"\n---\nbody\n`,
      `---\ntitle: x\nsummary: "${token.slice(0, 10)}\\\n  ${token.slice(10)}"\n---\nbody\n`,
    ];
    for (const text of cases) {
      const issues = await findSecretsInNote(text, 'n.md');
      expect(issues.map((i) => i.rule)).toEqual(['secret/GOOGLE_API_KEY']);
      expect(issues[0]!.line).toBeGreaterThan(2);
    }
  });

  test('Markdown backslash escapes and character references in the body are decoded (Notion gets the decoded text)', async () => {
    const token = `ghp_${r('a1B2c3D4e5', 36)}`;
    for (const spelled of [`ghp\\_${token.slice(4)}`, `&#x67;${token.slice(1)}`, `ghp&lowbar;${token.slice(4)}`]) {
      const issues = await findSecretsInNote(sessionNote('RT-260511-01', {}, `## Summary\n\nDone.\n\nsee ${spelled}\n`), 'n.md');
      expect(issues.map((i) => [i.line, i.rule])).toEqual([[13, 'secret/GITHUB_TOKEN']]);
      expect(issues[0]!.message).toMatch(/Markdown escapes.*ghp_\*{8}/);
    }
  });

  test('a secretlint-disable comment does not silence the scan', async () => {
    const token = `ghp_${r('a1B2c3D4e5', 36)}`;
    const issues = await findSecretsInNote(`---\ntitle: x\n---\n<!-- secretlint-disable -->\n${token}\n`, 'n.md');
    expect(issues).toHaveLength(1);
  });

  test('a plain note, AWS example ids and look-alikes are not findings', async () => {
    const body = '## Summary\n\nRan sk-learn and task-ask; AKIAIOSFODNN7EXAMPLE from the AWS docs; secret_sauce; eyJ.\n';
    expect(await findSecretsInNote(sessionNote('RT-260511-01', { summary: '"caf\\u00e9 ok"' }, body), 'n.md')).toEqual([]);
  });

  test('a note that is not valid YAML is still scanned raw', async () => {
    const token = `ghp_${r('a1B2c3D4e5', 36)}`;
    const issues = await scanSecrets(`---\ntitle: [unclosed\n---\n${token}\n`, 'n.md');
    expect(issues.map((i) => i.line)).toEqual([4]);
  });
});

describe('cost', () => {
  test("secretlint's profiler does not keep every scan's marks (its search over them made each scan slower than the last)", async () => {
    const profiler = secretLintProfiler as unknown as { entries: unknown[] };
    const text = sessionNote('RT-260511-01', { summary: '"caf\\u00e9"' }, '## Summary\n\nA path C:\\Users and &amp; here.\n');
    for (let i = 0; i < 50; i++) await findSecretsInNote(text, 'n.md');
    await new Promise((resolve) => setTimeout(resolve, 10)); // let the PerformanceObserver deliver
    // One scan emits about 40 marks; 50 scans kept would be 2,000 or more.
    expect(profiler.entries.length).toBeLessThan(200);
  });
});

describe('maskSecrets (for transcripts)', () => {
  test('masks every secret, keeps the rest byte for byte, and counts them', async () => {
    const a = `ghp_${r('a1B2c3D4e5', 36)}`;
    const b = `AKIA${r('Z7Q2W3E4R5T6Y7U8', 16)}`;
    const text = `{"tool":"Bash","input":"export T=${a}"}\nsecond ${b} line\n`;
    const masked = await maskSecrets(text);
    expect(masked.found).toBe(2);
    expect(masked.rules).toEqual(['GITHUB_TOKEN', 'AWSAccessKeyID']);
    expect(masked.text).toBe(`{"tool":"Bash","input":"export T=ghp_********"}\nsecond AKIA******** line\n`);
  });

  test('text without secrets comes back unchanged', async () => {
    expect(await maskSecrets('nothing here\n')).toEqual({ text: 'nothing here\n', found: 0, rules: [] });
  });
});
