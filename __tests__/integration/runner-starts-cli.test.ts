import { afterAll, describe, expect, test } from '@jest/globals';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCloneLayout, runnerPath, runnerStartsCli, setupClone } from '../../tools/io/clone-setup.js';
import { execGit } from '../../tools/io/git.js';

/**
 * doctor probes the runner in its own process only when the runner would start exactly the CLI and
 * the node doctor runs on (ADR-0047): the runner `canon setup` writes for that CLI, executable, its
 * search finding that file, `node` on the hook's PATH being that node, no NODE_OPTIONS. Each way the
 * runner could start something else must make doctor start it for real.
 */
describe('runnerStartsCli', () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'canon-runner-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  test('true only for the setup runner of this CLI with this node first on PATH', async () => {
    const dir = path.join(base, 'repo');
    mkdirSync(path.join(dir, 'dist'), { recursive: true });
    await execGit(['init', '-q'], { cwd: dir });
    const cli = path.join(dir, 'dist/canon.js');
    const other = path.join(dir, 'dist/other.js');
    writeFileSync(cli, '');
    writeFileSync(other, '');
    const layout = await readCloneLayout(dir);
    await setupClone(layout, { cliFile: cli, husky: false });
    const runner = runnerPath(layout);
    const text = readFileSync(runner, 'utf8');
    const nodeDir = path.dirname(process.execPath);
    const env = { PATH: `${nodeDir}:/usr/bin:/bin` };
    const starts = (overrides: { text?: string; env?: NodeJS.ProcessEnv; cli?: string; node?: string } = {}) =>
      runnerStartsCli(layout, runner, overrides.text ?? text, overrides.env ?? env, overrides.cli ?? cli, overrides.node ?? process.execPath);

    expect(starts()).toBe(true);
    // Another CLI than the runner names, another node than PATH finds, or NODE_OPTIONS for the hook.
    expect(starts({ cli: other })).toBe(false);
    expect(starts({ node: path.join(base, 'no-node') })).toBe(false);
    expect(starts({ env: { ...env, NODE_OPTIONS: '--require ./x.cjs' } })).toBe(false);
    // A `node` earlier on PATH that is not this node (a wrapper script); a symlink to this node is this node.
    const wrappers = path.join(base, 'wrappers');
    mkdirSync(wrappers);
    writeFileSync(path.join(wrappers, 'node'), `#!/bin/sh\nexec '${process.execPath}' "$@"\n`, { mode: 0o755 });
    expect(starts({ env: { PATH: `${wrappers}:${env.PATH}` } })).toBe(false);
    const links = path.join(base, 'links');
    mkdirSync(links);
    symlinkSync(process.execPath, path.join(links, 'node'));
    expect(starts({ env: { PATH: `${links}:${env.PATH}` } })).toBe(true);
    expect(starts({ env: { PATH: path.join(base, 'empty') } })).toBe(false);
    // A runner edited by hand, or one that cannot be executed.
    expect(starts({ text: `${text}# edited\n` })).toBe(false);
    appendFileSync(runner, '');
    chmodSync(runner, 0o644);
    expect(starts()).toBe(false);
    chmodSync(runner, 0o755);
    // The CLI the runner names is gone: its search would find nothing.
    rmSync(cli);
    expect(starts()).toBe(false);
  });
});
