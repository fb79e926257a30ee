import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTelemetryState, parseTelemetryState, serializeTelemetryState, type ToolEvent } from '../../tools/core/telemetry.js';
import {
  HOOK_ERROR_LOG_MAX_BYTES,
  appendHookError,
  appendToolEvent,
  archiveTelemetryState,
  foldTelemetryState,
  observeStateDir,
  readForbiddenMcp,
  readInvariantRule,
  readTelemetryState,
  telemetryJournalFile,
  telemetryStateDir,
  telemetryStateFile,
} from '../../tools/io/telemetry.js';

const NOW = '2026-05-11T10:00:00.000Z';
let root: string;
let state: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'canon-telemetry-'));
  state = telemetryStateDir(root);
  mkdirSync(state, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function age(file: string, ms: number): void {
  const when = new Date(Date.now() - ms);
  utimesSync(file, when, when);
}

const event = (tool = 'Bash'): ToolEvent => ({ at: NOW, tool, file: null, siblings: 0, cwd: root });
const record = (id: string, tool = 'Bash') => {
  appendToolEvent(root, id, event(tool));
  return foldTelemetryState(root, id, NOW);
};
const onDisk = (id: string) => parseTelemetryState(readFileSync(telemetryStateFile(root, id), 'utf8'));

describe('journal and fold', () => {
  test('every call is appended to the journal and folded into the state file', () => {
    record('s1');
    record('s1', 'mcp__notion_offplan__API-post-page');
    expect(onDisk('s1')).toMatchObject({ tool_calls_count: 2, tool_calls_breakdown: { mcp__notion_offplan: 1, Bash: 1 } });
    expect(onDisk('s1')!.journal_offset).toBe(statSync(telemetryJournalFile(root, 's1')).size);
    expect(readdirSync(state).sort()).toEqual(['session-s1.json', 'session-s1.jsonl']);
  });

  test('a fold skipped for a busy lock loses nothing: readers add the journal tail, the next fold catches up', () => {
    record('s1');
    writeFileSync(`${telemetryStateFile(root, 's1')}.lock`, JSON.stringify({ pid: process.pid, host: 'x', nonce: 'n' }));
    appendToolEvent(root, 's1', event());
    expect(foldTelemetryState(root, 's1', NOW, { staleMs: 60_000, timeoutMs: 20 })).toBeNull();
    expect(onDisk('s1')!.tool_calls_count).toBe(1);
    expect(readTelemetryState(root, 's1')!.tool_calls_count).toBe(2);
    rmSync(`${telemetryStateFile(root, 's1')}.lock`);
    record('s1');
    expect(onDisk('s1')!.tool_calls_count).toBe(3);
  });

  test('folding twice, or folding a stale snapshot, never double-counts', () => {
    record('s1');
    const before = readFileSync(telemetryStateFile(root, 's1'), 'utf8');
    appendToolEvent(root, 's1', event());
    foldTelemetryState(root, 's1', NOW);
    foldTelemetryState(root, 's1', NOW);
    expect(onDisk('s1')!.tool_calls_count).toBe(2);
    // A racing fold that lost the lock writes its older state: consistent with its own offset.
    writeFileSync(telemetryStateFile(root, 's1'), before);
    expect(readTelemetryState(root, 's1')!.tool_calls_count).toBe(2);
    foldTelemetryState(root, 's1', NOW);
    expect(onDisk('s1')!.tool_calls_count).toBe(2);
  });

  test('a half-written last line waits for its newline', () => {
    record('s1');
    appendFileSync(telemetryJournalFile(root, 's1'), '{"at":"2026-05-11T10:00:00.000Z","tool":"Ba');
    expect(foldTelemetryState(root, 's1', NOW)!.state.tool_calls_count).toBe(1);
    appendFileSync(telemetryJournalFile(root, 's1'), 'sh","file":null,"siblings":0,"cwd":"/"}\n');
    expect(foldTelemetryState(root, 's1', NOW)!.state.tool_calls_count).toBe(2);
  });

  test('a corrupt state file is moved aside as *.corrupt-<timestamp>; the count is rebuilt from the journal', () => {
    record('s1');
    record('s1');
    writeFileSync(telemetryStateFile(root, 's1'), '{"session_id": "s1", "tool_calls_count": 41, garbage');
    const fold = record('s1')!;
    expect(fold.corruptMovedTo).toBe(`${telemetryStateFile(root, 's1')}.corrupt-2026-05-11T10-00-00-000Z`);
    expect(readFileSync(fold.corruptMovedTo!, 'utf8')).toContain('garbage');
    expect(onDisk('s1')!.tool_calls_count).toBe(3);
  });

  test('a corrupt state without a journal restarts counting at the next call', () => {
    writeFileSync(telemetryStateFile(root, 's1'), 'garbage');
    expect(record('s1')!.state.tool_calls_count).toBe(1);
  });

  test('a journal shorter than the state says (replaced by hand) is folded again from its start', () => {
    record('s1');
    record('s1');
    writeFileSync(telemetryJournalFile(root, 's1'), '');
    const fold = record('s1')!;
    expect([fold.restarted, fold.state.tool_calls_count]).toEqual([true, 1]);
  });
});

describe('observeStateDir', () => {
  test('counts other sessions active within the hour and sweeps temp files older than an hour', () => {
    for (const id of ['self', 'a', 'b', 'old']) record(id);
    for (const f of [telemetryStateFile(root, 'old'), telemetryJournalFile(root, 'old')]) age(f, 2 * 3600_000);
    const oldTemp = path.join(state, 'session-a.json.123-abc.tmp');
    const youngTemp = path.join(state, 'session-a.json.456-def.tmp');
    writeFileSync(oldTemp, '{');
    writeFileSync(youngTemp, '{');
    age(oldTemp, 2 * 3600_000);
    writeFileSync(path.join(state, 'session-z.json.corrupt-x'), 'x');
    const seen = observeStateDir(root, 'self', Date.now());
    expect(seen).toEqual({ siblings: 2, swept: ['session-a.json.123-abc.tmp'] });
    expect(existsSync(oldTemp)).toBe(false);
    expect(existsSync(youngTemp)).toBe(true);
  });
});

describe('appendHookError', () => {
  test('rotates the log so it stays bounded', () => {
    const line = `${'x'.repeat(1000)}`;
    for (let i = 0; i < 200; i++) appendHookError(root, `${i} ${line}`);
    const log = path.join(state, 'hook-errors.log');
    expect(statSync(log).size).toBeLessThanOrEqual(HOOK_ERROR_LOG_MAX_BYTES + 1100);
    expect(statSync(`${log}.1`).size).toBeLessThanOrEqual(HOOK_ERROR_LOG_MAX_BYTES + 1100);
    expect(readFileSync(log, 'utf8')).toMatch(/^199 x+$/m);
  });
});

describe('readers for handoff and `telemetry show`', () => {
  test('by id, or the newest session; null when there is none', () => {
    expect(readTelemetryState(root)).toBeNull();
    expect(readTelemetryState(root, 'nope')).toBeNull();
    record('older');
    record('newer');
    for (const f of [telemetryStateFile(root, 'older'), telemetryJournalFile(root, 'older')]) age(f, 60_000);
    expect(readTelemetryState(root)?.session_id).toBe('newer');
    expect(readTelemetryState(root, 'older')?.session_id).toBe('older');
  });

  test('a corrupt state file reads as the journal says', () => {
    record('s1');
    writeFileSync(telemetryStateFile(root, 's1'), 'garbage');
    expect(readTelemetryState(root, 's1')?.tool_calls_count).toBe(1);
  });

  test('archiveTelemetryState moves the exact state and the journal into archive/', () => {
    record('s1');
    appendToolEvent(root, 's1', event()); // not folded yet
    const moved = archiveTelemetryState(root, 's1', new Date(NOW));
    expect(moved).toBe(path.join(state, 'archive', 'session-s1.2026-05-11T10-00-00-000Z.json'));
    expect(parseTelemetryState(readFileSync(moved!, 'utf8'))?.tool_calls_count).toBe(2);
    expect(existsSync(`${moved}l`)).toBe(true);
    expect(readdirSync(state).sort()).toEqual(['archive', 'session-s1.handoff']);
    expect(archiveTelemetryState(root, 's1')).toBeNull();
    expect(readTelemetryState(root, 's1')).toBeNull();
  });

  test('readInvariantRule / readForbiddenMcp honour canon.config.json and fall back to the default', () => {
    expect(readInvariantRule(root)).toEqual({ forbidden: ['*notion*'], counter: 'notion_offplan' });
    expect(readForbiddenMcp(root)).toEqual(['notion_offplan']);
    writeFileSync(path.join(root, 'canon.config.json'), JSON.stringify({ invariant: { forbidden_mcp: ['a', 'b*'], counter: 'forbidden' } }));
    expect(readInvariantRule(root)).toEqual({ forbidden: ['a', 'b*'], counter: 'forbidden' });
    expect(readForbiddenMcp(root)).toEqual(['forbidden']);
    writeFileSync(path.join(root, 'canon.config.json'), JSON.stringify({ invariant: { forbidden_mcp: [] } }));
    expect(readForbiddenMcp(root)).toEqual([]);
    writeFileSync(path.join(root, 'canon.config.json'), '{ not json');
    expect(readForbiddenMcp(root)).toEqual(['notion_offplan']);
    expect(serializeTelemetryState(createTelemetryState('s', root, NOW, readForbiddenMcp(root)))).toContain('"mcp__notion_offplan": 0');
  });
});
