import { describe, expect, test } from '@jest/globals';
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CANON_ROOT } from '../helpers/git-repo.js';

/**
 * package.json's `engines` is true: every package bundled into dist (or left external at run time)
 * runs on the lowest Node of each range canon declares, and the package ships its LICENSE.
 */

type Version = [number, number, number];
const parse = (v: string): Version => {
  const [a = 0, b = 0, c = 0] = v
    .replace(/^v/, '')
    .split('.')
    .map((x) => (x === '*' || x === 'x' ? 0 : Number(x)));
  return [a, b, c];
};
const cmp = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** The subset of semver ranges packages write in engines.node: `^a.b.c`, `>=a.b`, `a`, `a.*`, `a.b.c`, joined by spaces and `||`. */
function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  return range.split('||').some((alternative) => {
    const comparators = alternative
      .trim()
      .replace(/(>=|<=|>|<|\^|~|=)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    return comparators.every((c) => {
      const m = /^(>=|<=|>|<|\^|~|=)?(.*)$/.exec(c)!;
      const op = m[1] ?? '';
      const parts = m[2]!.split('.');
      const bound = parse(m[2]!);
      if (op === '>=') return cmp(v, bound) >= 0;
      if (op === '>') return cmp(v, bound) > 0;
      if (op === '<') return cmp(v, bound) < 0;
      if (op === '<=') return cmp(v, bound) <= 0;
      if (op === '^') return v[0] === bound[0] && cmp(v, bound) >= 0;
      if (op === '~') return v[0] === bound[0] && v[1] === bound[1] && cmp(v, bound) >= 0;
      // A bare `20`, `20.*` or `20.1.2`: the parts given must match.
      return parts.every((p, i) => p === '*' || p === 'x' || Number(p) === v[i]);
    });
  });
}

describe('engines', () => {
  const pkg = JSON.parse(readFileSync(path.join(CANON_ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; dependencies: Record<string, string> };
  const lowest = pkg.engines.node.split('||').map((r) => r.trim().replace(/^(\^|>=)/, ''));

  test('the range parser reads what packages write', () => {
    expect(satisfies('20.17.0', '^20.17.0 || >=22.9.0')).toBe(true);
    expect(satisfies('20.11.0', '^20.17.0 || >=22.9.0')).toBe(false);
    expect(satisfies('22.0.0', '>=23.5.0 || ^22.13.0 || ^20.17.0')).toBe(false);
    expect(satisfies('21.0.0', '18 || 20 || >=22')).toBe(false);
    expect(satisfies('20.17.0', '>= 10.*')).toBe(true);
    expect(satisfies('20.17.0', '6.* || 8.* || >= 10.*')).toBe(true);
  });

  test('every package in the built CLI runs on the lowest Node of each declared range', async () => {
    const result = await build({
      entryPoints: [path.join(CANON_ROOT, 'tools/bin/canon.ts'), path.join(CANON_ROOT, 'tools/bin/cli.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      splitting: true,
      outdir: path.join(CANON_ROOT, 'dist-engines-probe'),
      write: false,
      metafile: true,
      external: ['./cli.js'],
      logLevel: 'silent',
    });
    const packages = new Set(Object.keys(pkg.dependencies));
    for (const file of Object.keys(result.metafile.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
      if (m) packages.add(m[1]!);
    }
    expect(packages.has('write-file-atomic')).toBe(true);
    const wrong: string[] = [];
    for (const name of packages) {
      const file = path.join(CANON_ROOT, 'node_modules', name, 'package.json');
      if (!existsSync(file)) continue;
      const range = (JSON.parse(readFileSync(file, 'utf8')) as { engines?: { node?: string } }).engines?.node;
      if (!range) continue;
      for (const node of lowest) if (!satisfies(node, range)) wrong.push(`${name} needs ${range}, not ${node}`);
    }
    expect(wrong).toEqual([]);
  }, 60_000);

  test('the package ships an MIT LICENSE', () => {
    expect(readFileSync(path.join(CANON_ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} canon contributors\n/);
  });
});
