import { describe, expect, test } from '@jest/globals';
import { mergeHookBlock, renderRunner } from '../../tools/core/hook-blocks.js';
import { addCommand, canonCommand, detectPackageManager, installCommand, removeCommand } from '../../tools/core/package-manager.js';
import { commandWords, installMessages, installMessagesFor } from '../../tools/messages/install.js';

/** bun's rows of core/package-manager.ts and the words canon prints in a bun repository. */
const files = (packageJson: string | null, present: string[] = []) => ({ packageJson, has: (name: string) => present.includes(name) });

/** Every sentence of a messages object, functions called with sample arguments. */
function sentences(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'function') return [(value as (...a: unknown[]) => string)('x', 1, 1)];
  return Object.values(value as object).flatMap(sentences);
}

describe('a bun repository', () => {
  test('is told by bun.lock, the older bun.lockb, or packageManager "bun@…"', () => {
    expect(detectPackageManager(files('{}', ['bun.lock']))).toBe('bun');
    expect(detectPackageManager(files('{}', ['bun.lockb']))).toBe('bun');
    expect(detectPackageManager(files('{"packageManager":"bun@1.4.5"}'))).toBe('bun');
    // packageManager wins over a stray lockfile of another manager.
    expect(detectPackageManager(files('{"packageManager":"bun@1.4.5"}', ['package-lock.json']))).toBe('bun');
    expect(detectPackageManager(files('{}', ['package-lock.json']))).toBe('npm');
  });

  test("runs bun's commands, and canon through `bun run canon` (never a name the registry could answer with another package)", () => {
    expect([installCommand('bun'), canonCommand('bun'), addCommand('bun'), removeCommand('bun')]).toEqual([
      'bun install',
      'bun run canon',
      'bun add -d canon-notes',
      'bun remove canon-notes',
    ]);
  });

  test("every install/doctor sentence speaks bun: no npx canon, no npm install; npm's stay as they were", () => {
    const said = sentences(installMessagesFor('bun'));
    expect(said.length).toBe(sentences(installMessages).length);
    expect(said.filter((s) => /npx canon|npm install|npm uninstall/.test(s))).toEqual([]);
    expect(installMessagesFor('bun').fix.setup).toBe('bun run canon setup   (or bun install)');
    expect(installMessagesFor('bun').init.notADependency).toContain('`bun add -d canon-notes`');
    expect(installMessagesFor('bun').problems(2)).toContain('`bun run canon doctor --fix`');
    expect(installMessagesFor('npm')).toBe(installMessages);
    expect(commandWords('npm')('npx canon-notes setup   (or npm install)')).toBe('npx canon-notes setup   (or npm install)');
  });

  test("the hook block and the runner name bun's install; npm's block is unchanged", () => {
    const words = { install: installCommand('bun'), canon: canonCommand('bun') };
    expect(mergeHookBlock(null, 'pre-commit', words)).toContain("run your package manager's install (bun install), or bun run canon setup");
    expect(mergeHookBlock(null, 'pre-commit')).toContain("run your package manager's install (npm install), or npx canon-notes setup");
    expect(renderRunner({ cli: 'node_modules/.bin/canon', mainRoot: '/src/app', install: 'bun install' })).toContain('run bun install." >&2');
    expect(renderRunner({ cli: 'node_modules/.bin/canon', mainRoot: '/src/app' })).toContain('run npm install." >&2');
  });
});
