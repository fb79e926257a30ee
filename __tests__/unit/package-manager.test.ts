import { describe, expect, test } from '@jest/globals';
import { detectPackageManager, formatCommands, normalizeHookEnv, setupScript } from '../../tools/core/package-manager.js';
import { renderRunner } from '../../tools/core/hook-blocks.js';
import { installMessages as m } from '../../tools/messages/install.js';

const files = (packageJson: string | null, present: string[] = []) => ({ packageJson, has: (name: string) => present.includes(name) });

describe('yarn', () => {
  test('is told by packageManager or by its files, and wires postinstall (yarn 2+ never runs prepare)', () => {
    expect(detectPackageManager(files('{ "packageManager": "yarn@4.18.1" }'))).toBe('yarn');
    expect(detectPackageManager(files('{}', ['yarn.lock']))).toBe('yarn');
    expect(detectPackageManager(files('{}', ['.yarnrc.yml']))).toBe('yarn');
    expect(setupScript('yarn')).toBe('postinstall');
    expect(setupScript('npm')).toBe('prepare');
  });

  test("canon's printed commands are spelled the way yarn runs them; npm's stay as they are", () => {
    expect(formatCommands(m.fix.setup, 'yarn')).toBe('yarn canon setup');
    expect(formatCommands(m.fix.npmInstall, 'yarn')).toBe('yarn install   (in this worktree)');
    expect(formatCommands(m.init.notADependency, 'yarn')).toMatch(/run `yarn add -D canon-notes` so that/);
    expect(formatCommands(m.uninstall.done, 'yarn')).toMatch(/`yarn remove canon-notes` removes the package/);
    expect(formatCommands(m.fix.simpleGitHooks, 'yarn')).toMatch(/^yarn simple-git-hooks/);
    expect(formatCommands('call `npm run handoff -- --from x` and `npm run --silent canon -- session commits`', 'yarn')).toBe(
      'call `yarn handoff --from x` and `yarn canon session commits`',
    );
    for (const text of [...(Object.values(m.fix) as unknown[]), m.init.dryRun].filter((t): t is string => typeof t === 'string')) {
      expect(formatCommands(text, 'yarn')).not.toMatch(/\bnpx canon|\bnpm (install|run|uninstall)\b/);
      expect(formatCommands(text, 'npm')).toBe(text);
    }
  });

  test("a hook's environment is the shell's: without the Plug'n'Play runtime and the bin folder yarn's script runner adds", () => {
    const given = {
      NODE_OPTIONS: '--max-old-space-size=4096 --require /src/app/.pnp.cjs --experimental-loader file:///src/app/.pnp.loader.mjs',
      PATH: '/tmp/xfs-044558fe:/src/app/node_modules/.bin:/usr/local/bin:/usr/bin',
      BERRY_BIN_FOLDER: '/tmp/xfs-044558fe',
      npm_config_user_agent: 'yarn/4.18.1 npm/? node/v20.20.2 linux x64',
      PROJECT_CWD: '/src/app',
      HOME: '/home/alice',
    };
    expect(normalizeHookEnv(given)).toEqual({ NODE_OPTIONS: '--max-old-space-size=4096', PATH: '/usr/local/bin:/usr/bin', HOME: '/home/alice' });
    expect(normalizeHookEnv(normalizeHookEnv(given))).toEqual(normalizeHookEnv(given));
    expect(normalizeHookEnv({ NODE_OPTIONS: '--require /a/.pnp.cjs', PATH: '/usr/bin' })).toEqual({ PATH: '/usr/bin' });
  });

  test("the Plug'n'Play runner starts node with yarn's runtime from this worktree or the main one, and names yarn's install", () => {
    const runner = renderRunner({
      cli: '/home/alice/.yarn/berry/cache/canon-notes-npm-0.1.0-abc.zip/node_modules/canon-notes/dist/canon.js',
      mainRoot: '/src/app',
      pnp: true,
      install: 'yarn install',
    });
    expect(runner).toContain('for d in "$top" "$main"; do');
    expect(runner).toContain('exec node --require "$d/.pnp.cjs" --experimental-loader "$d/.pnp.loader.mjs" -e ');
    // Resolved on every run, never a recorded zip path: an upgrade moves canon to another zip.
    expect(runner).not.toContain('.zip');
    expect(runner).toContain('resolve("canon-notes/dist/canon.js")');
    expect(runner).toMatch(/run yarn install\." >&2\nexit 1\n$/);
    expect(renderRunner({ cli: 'node_modules/canon-notes/dist/canon.js', mainRoot: null })).not.toContain('.pnp.cjs');
  });
});
