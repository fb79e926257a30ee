import { afterEach, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderSessionStartContext } from '../../tools/core/session-context.js';
import type { ResumeView } from '../../tools/core/resume-view.js';
import { UsageError } from '../../tools/errors.js';
import { resolveSessionIdFor } from '../../tools/io/session-resolve.js';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function withSessions(sessions: Array<{ id: string; ageMin: number; ended?: boolean }>): string {
  root = mkdtempSync(path.join(os.tmpdir(), 'canon-resolve-'));
  const dir = path.join(root, '.claude/state');
  mkdirSync(dir, { recursive: true });
  for (const s of sessions) {
    const file = path.join(dir, `session-${s.id}.jsonl`);
    writeFileSync(file, '');
    const t = new Date(Date.now() - s.ageMin * 60_000);
    utimesSync(file, t, t);
    if (s.ended) writeFileSync(path.join(dir, `session-${s.id}.ended`), `${t.toISOString()}\n`);
  }
  return root;
}

describe('resolveSessionIdFor', () => {
  test('--session-id, then $CLAUDE_CODE_SESSION_ID, then $CLAUDE_SESSION_ID; state files are not looked at', () => {
    const dir = withSessions([{ id: 'newest', ageMin: 0 }]);
    const env = { CLAUDE_CODE_SESSION_ID: 'code', CLAUDE_SESSION_ID: 'old' };
    expect(resolveSessionIdFor(dir, 'flag', env)).toEqual({ id: 'flag', source: 'flag' });
    expect(resolveSessionIdFor(dir, undefined, env)).toEqual({ id: 'code', source: 'env-claude-code' });
    expect(resolveSessionIdFor(dir, ' ', { CLAUDE_SESSION_ID: 'old' })).toEqual({ id: 'old', source: 'env-claude' });
    expect(resolveSessionIdFor(dir, '${CLAUDE_SESSION_ID}', { CLAUDE_CODE_SESSION_ID: '$CLAUDE_CODE_SESSION_ID' })).toEqual({
      id: 'newest',
      source: 'only-session',
    });
  });

  test('no id: the one live session; a live one beats ended ones; several live ones are refused; stale ones are nobody', () => {
    expect(
      resolveSessionIdFor(
        withSessions([
          { id: 'a', ageMin: 5 },
          { id: 'b', ageMin: 1, ended: true },
        ]),
        undefined,
        {},
      ).id,
    ).toBe('a');
    rmSync(root, { recursive: true, force: true });
    expect(resolveSessionIdFor(withSessions([{ id: 'b', ageMin: 1, ended: true }]), undefined, {}).id).toBe('b');
    rmSync(root, { recursive: true, force: true });
    expect(() =>
      resolveSessionIdFor(
        withSessions([
          { id: 'a', ageMin: 5 },
          { id: 'c', ageMin: 2 },
        ]),
        undefined,
        {},
      ),
    ).toThrow(UsageError);
    rmSync(root, { recursive: true, force: true });
    expect(resolveSessionIdFor(withSessions([{ id: 'old', ageMin: 24 * 60 }]), undefined, {})).toEqual({ id: null, source: 'none' });
  });
});

describe('renderSessionStartContext', () => {
  const view = (prompt: string): ResumeView => ({
    operator: { slug: 'roman', initials: 'RT' },
    last_session: { id: 'RT-260511-01', date: '2026-05-11', title: 'T', summary: null, resume_prompt: prompt, path: 'docs/sessions/RT-260511-01.md' },
    sessions_count: 1,
    sessions: [],
    workstreams: {
      mine: [
        { slug: 'hooks', title: 'Hooks', status: 'active', priority: 'P1' },
        { slug: 'old', title: null, status: 'paused', priority: null },
      ],
      others: [],
    },
    peers: [
      { id: 'SK-260510-01', operator: 'sergei', date: '2026-05-10', title: 'before' },
      { id: 'SK-260512-01', operator: 'sergei', date: '2026-05-12', title: 'after' },
    ],
    message: null,
  });

  test('last Resume Prompt, active workstreams only, peers since the last session, unfinished sessions', () => {
    const text = renderSessionStartContext(view('Do the next thing.'), { sessions: 2, tool_calls: 37 }, 2000);
    expect(text).toContain('Its Resume Prompt:\nDo the next thing.');
    expect(text).toContain('- hooks (P1): Hooks');
    expect(text).not.toContain('old');
    expect(text).toContain('SK-260512-01');
    expect(text).not.toContain('SK-260510-01');
    expect(text).toContain('Unfinished: 2 session(s) with 37 tool call(s)');
  });

  test('never longer than the bound, however long the prompt', () => {
    for (const max of [200, 500, 2000]) {
      const text = renderSessionStartContext(view('word '.repeat(5000)), null, max);
      expect(text.length).toBeLessThanOrEqual(max);
      expect(text).toContain('cut to fit');
    }
  });
});
