import { afterEach, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import os from 'node:os';
import path from 'node:path';
import { formatClaimOwner } from '../../tools/core/claim-owner.js';
import { DEFAULT_CONFIG } from '../../tools/core/config.js';
import { listClaimStubs, removeClaimStub } from '../../tools/io/claim-stubs.js';
import { listDeadTemps, sweepAtomicWriteTemps, sweepDeadTemps } from '../../tools/io/temp-sweep.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'canon-leftovers-'));
  dirs.push(dir);
  return dir;
}

/** A pid that was real a moment ago and is gone now. */
const gonePid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
const stub = (owner?: string) => `---\nclaimed_at: 2026-12-05T10:00:00Z\noperator: roman\nkind: session\n${owner ? `claimed_by: ${owner}\n` : ''}---\n`;

describe('claim stubs and their owners', () => {
  test('live, dead and unknown owners are told apart; notes are no stubs', () => {
    const root = folder();
    const sessions = path.join(root, 'docs/sessions');
    mkdirSync(sessions, { recursive: true });
    writeFileSync(path.join(sessions, 'RT-261205-01.md'), stub(formatClaimOwner(process.pid, hostname())));
    writeFileSync(path.join(sessions, 'RT-261205-02.md'), stub(formatClaimOwner(gonePid(), hostname())));
    writeFileSync(path.join(sessions, 'RT-261205-03.md'), stub(formatClaimOwner(1, 'another-host')));
    writeFileSync(path.join(sessions, 'RT-261205-04.md'), stub());
    writeFileSync(path.join(sessions, 'RT-261205-05.md'), '---\ntitle: A note\nkind: session\n---\n## Summary\n');
    const states = Object.fromEntries(listClaimStubs(root, DEFAULT_CONFIG).map((s) => [path.basename(s.rel), s.state]));
    expect(states).toEqual({ 'RT-261205-01.md': 'live', 'RT-261205-02.md': 'dead', 'RT-261205-03.md': 'unknown', 'RT-261205-04.md': 'unknown' });
  });

  test('a stub is removed only while it holds what was judged: one claimed again in between stays', () => {
    const root = folder();
    const sessions = path.join(root, 'docs/sessions');
    mkdirSync(sessions, { recursive: true });
    const file = path.join(sessions, 'RT-261205-02.md');
    writeFileSync(file, stub(formatClaimOwner(gonePid(), hostname())));
    const [judged] = listClaimStubs(root, DEFAULT_CONFIG);
    writeFileSync(file, stub(formatClaimOwner(process.pid, hostname())));
    expect(removeClaimStub(root, judged!)).toBe(false);
    expect(readFileSync(file, 'utf8')).toContain(`claimed_by: ${process.pid}@`);
    expect(readdirSync(sessions)).toEqual(['RT-261205-02.md']);
    const [again] = listClaimStubs(root, DEFAULT_CONFIG);
    expect(removeClaimStub(root, again!)).toBe(true);
    expect(existsSync(file)).toBe(false);
  });
});

describe('temp files of killed writers', () => {
  test("a gone pid's temp goes at once, a live one's stays, any older than an hour goes", () => {
    const dir = folder();
    const gone = gonePid();
    writeFileSync(path.join(dir, `.claim-${gone}-9f0c1ab2e3d4.tmp`), '');
    writeFileSync(path.join(dir, `.claim-${process.pid}-9f0c1ab2e3d5.tmp`), '');
    const old = path.join(dir, `.claim-${process.pid}-9f0c1ab2e3d6.tmp`);
    writeFileSync(old, '');
    utimesSync(old, new Date(Date.now() - 2 * 3_600_000), new Date(Date.now() - 2 * 3_600_000));
    writeFileSync(path.join(dir, 'RT-261205-01.md'), stub());
    expect(listDeadTemps(dir, '.claim-').sort()).toEqual([`.claim-${gone}-9f0c1ab2e3d4.tmp`, `.claim-${process.pid}-9f0c1ab2e3d6.tmp`].sort());
    sweepDeadTemps(dir, '.claim-');
    expect(readdirSync(dir).sort()).toEqual([`.claim-${process.pid}-9f0c1ab2e3d5.tmp`, 'RT-261205-01.md']);
  });

  test('a note write killed before its rename is swept after a minute, not before', () => {
    const dir = folder();
    const fresh = path.join(dir, 'RT-261205-01.md.2914003687');
    const stale = path.join(dir, 'RT-261205-02.md.17');
    writeFileSync(fresh, 'x');
    writeFileSync(stale, 'x');
    utimesSync(stale, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    expect(sweepAtomicWriteTemps(dir)).toEqual(['RT-261205-02.md.17']);
    expect(existsSync(fresh)).toBe(true);
  });
});
