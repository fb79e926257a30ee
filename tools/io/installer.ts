import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { CI_WORKFLOW, renderCiWorkflow } from '../core/ci-workflow.js';
import { SKILLS_DIR, WRAPPER_MARKER } from '../core/command-wrappers.js';
import { DEFAULT_CONFIG, NOTE_KINDS, type NoteKind } from '../core/config.js';
import { CHANGELOG_ANCHOR, isCanonChangelog } from '../core/changelog.js';
import { CANON_HOOKS, mergeHookBlock } from '../core/hook-blocks.js';
import { canonCommand, detectPackageManager, installCommand } from '../core/package-manager.js';
import { mergePreCommitConfig, PRE_COMMIT_CONFIG, removePreCommitConfig } from '../core/pre-commit-config.js';
import { LEFTHOOK_CONFIGS, mergeLefthookConfig, removeLefthookConfig } from '../core/lefthook-config.js';
import { mergeSimpleGitHooks, removeSimpleGitHooks, SIMPLE_GIT_HOOKS_FILES, SIMPLE_GIT_HOOKS_KEY } from '../core/simple-git-hooks-config.js';
import {
  mergeLineBlock,
  mergePackageScripts,
  parseShortlog,
  hasLineBlock,
  removeLineBlock,
  removePackageScripts,
  removeSettings,
  renderLineBlock,
  renderOperatorsYaml,
} from '../core/install-plan.js';
import { classifyPath } from '../core/layout.js';
import { OBSIDIAN_GITIGNORE, renderObsidianBaseline } from '../core/obsidian.js';
import { UsageError } from '../errors.js';
import { applyPluginMigration, planPluginMigration, planPluginSettings, type PluginRemoval } from './claude-plugin.js';
import { LEGACY_HOOK_BUNDLES, NON_JS_MARKETPLACE_PATH, removePluginSettings } from '../core/claude-plugin-settings.js';
import { readCloneLayout, type CloneLayout } from './clone-setup.js';
import { readTextOrNull, writeFileSafely } from './fs.js';
import { execGit, porcelain } from './git.js';
import { packageRoot } from './schemas.js';
import { installMessages } from '../messages/install.js';
import { PACKAGE_LINK, usesPnp } from './package-link.js';
import { readPackageManager } from './package-manager.js';
import { setupScript } from '../core/package-manager.js';

/** What init records of each file it touched, so uninstall can give the team's bytes back. */
const INSTALL_RECORD = '.claude/canon-install.json';

interface RecordEntry {
  /** The file did not exist before canon. */
  created: boolean;
  /** Its bytes before canon's first change (modified files only). */
  original?: string;
  /** sha256 of what canon last wrote: unchanged since means uninstall may restore `original` as is. */
  written: string;
  /** How to take canon's part out when the file changed since: block, settings, package, whole. */
  strip: Strip;
  /** canon added a newline before its block (the file did not end with one). */
  newline?: boolean;
}
type Strip = 'block' | 'settings' | 'package' | 'whole' | 'lefthook' | 'simple-git-hooks' | 'pre-commit';
interface InstallRecord {
  files: Record<string, RecordEntry>;
  /** How git ran hooks before init: restored by uninstall. */
  hooks: { system: HookSystem; hooksPath: string | null };
}

export type HookSystem = 'husky' | 'hooks-path' | 'new-husky' | 'lefthook' | 'simple-git-hooks' | 'pre-commit';

export interface FileStep {
  path: string;
  before: string | null;
  after: string;
  mode?: number;
  strip: Strip;
  why: string;
}

export interface InstallPlan {
  root: string;
  layout: CloneLayout;
  hookSystem: HookSystem;
  hookDir: string;
  files: FileStep[];
  /** Clone-level wiring that `canon setup` lays (shown in the plan; not committed). */
  gitConfig: string[];
  warnings: string[];
  folders: Partial<Record<NoteKind, string>>;
  /** Files of earlier canon versions that init removes (tools/io/claude-plugin.ts). */
  removals: PluginRemoval[];
  /** No package.json: canon runs as the pre-commit framework's node hook (ADR-0031). */
  nonJs: boolean;
}

/** Where `canon init --obsidian` puts the note templates for Obsidian's Templates plugin (one folder). */
const OBSIDIAN_TEMPLATES = 'docs/templates';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

// The slash commands call these (`npm run handoff`, `npm run resume`, `npm run canon -- session commits`).
const SCRIPTS = { handoff: 'canon handoff', resume: 'canon resume', canon: 'canon' };
const SYNC_SCRIPT = { sync: 'canon sync' };

function hasPrettier(root: string, pkg: Record<string, unknown>): boolean {
  const deps = { ...(pkg.dependencies as object), ...(pkg.devDependencies as object) };
  if ('prettier' in deps || 'prettier' in pkg) return true;
  if (existsSync(path.join(root, 'node_modules/.bin/prettier')) || existsSync(path.join(root, '.prettierignore'))) return true;
  return readdirSync(root).some((n) => /^\.prettierrc|^prettier\.config\./.test(n));
}

/** node_modules is neither ignored nor tracked: `git add -A` after the install would commit it all. */
async function needsNodeModulesIgnored(root: string): Promise<boolean> {
  // An earlier init put it into canon's own block: it stays there (else a second init takes it out again).
  const current = readTextOrNull(path.join(root, '.gitignore'));
  if (current !== null && hasLineBlock(current) && /^node_modules\/$/m.test(current) && !/^node_modules\/$/m.test(removeLineBlock(current))) return true;
  // check-ignore answers by exit code: 0 ignored, 1 not.
  if ((await execGit(['check-ignore', '-q', '--no-index', 'node_modules/'], { cwd: root })).code === 0) return false;
  return (await execGit(['ls-files', '--', 'node_modules'], { cwd: root })).stdout.trim() === '';
}

async function detectHooks(root: string, layout: CloneLayout): Promise<{ system: HookSystem; dir: string; hooksPath: string | null }> {
  const hooksPath = (await (await porcelain(root)).getConfig('core.hooksPath', 'local')).value;
  const huskyish = hooksPath !== null && /(^|\/)\.husky(\/_)?\/?$/.test(hooksPath);
  // lefthook lays its hooks in .git/hooks (or core.hooksPath) from its config: canon goes into the config.
  const lefthook = findLefthookConfig(root);
  if (lefthook !== null && !huskyish) return { system: 'lefthook', dir: lefthook, hooksPath };
  // simple-git-hooks rewrites .git/hooks from its config on every install: canon goes into the config.
  const simple = findSimpleGitHooksConfig(root);
  if (simple !== null && !huskyish) return { system: 'simple-git-hooks', dir: simple, hooksPath };
  // The pre-commit framework lays .git/hooks from .pre-commit-config.yaml (`pre-commit install`).
  if (existsSync(path.join(root, PRE_COMMIT_CONFIG)) && !huskyish) return { system: 'pre-commit', dir: PRE_COMMIT_CONFIG, hooksPath };
  if (existsSync(path.join(root, '.husky')) || huskyish) return { system: 'husky', dir: '.husky', hooksPath };
  if (hooksPath) {
    const abs = path.resolve(root, hooksPath);
    const rel = path.relative(root, abs);
    if (rel.startsWith('..') || path.isAbsolute(rel))
      throw new UsageError(
        `core.hooksPath is ${hooksPath}, outside this repository: canon cannot add its hooks to files git does not carry to other clones.`,
        'Point core.hooksPath at a folder in the repository (or remove it), then run canon init again. No files were changed.',
      );
    return { system: 'hooks-path', dir: rel.split(path.sep).join('/'), hooksPath };
  }
  const own = path.join(layout.commonDir, 'hooks');
  const live = existsSync(own) ? readdirSync(own).filter((n) => (CANON_HOOKS as readonly string[]).includes(n)) : [];
  if (live.length > 0) {
    throw new UsageError(
      `this clone runs its own hooks from ${path.join(own, live[0]!)}, which git does not share with other clones or with canon.`,
      'Move them into husky (.husky/) or a tracked core.hooksPath folder, then run canon init again. No files were changed.',
    );
  }
  return { system: 'new-husky', dir: '.husky', hooksPath: null };
}

/**
 * A repository with no package.json gets canon through the pre-commit framework (ADR-0031): its
 * `pre-commit install` is what a fresh clone of a Python or Go team already runs. A hook manager of
 * the npm world there, or a core.hooksPath the framework refuses to install under, is said plainly.
 */
async function detectNonJsHooks(root: string): Promise<{ system: HookSystem; dir: string; hooksPath: string | null }> {
  const hooksPath = (await (await porcelain(root)).getConfig('core.hooksPath', 'local')).value;
  const other = findLefthookConfig(root) ?? findSimpleGitHooksConfig(root) ?? (existsSync(path.join(root, '.husky')) ? '.husky' : null);
  if (other !== null || hooksPath)
    throw new UsageError(installMessages.init.nonJsOtherHooks(other ?? `core.hooksPath (${hooksPath})`), installMessages.init.nonJsOtherHooksHint);
  return { system: 'pre-commit', dir: PRE_COMMIT_CONFIG, hooksPath };
}

/** The team's lefthook config (repository-relative), or null. */
export function findLefthookConfig(root: string): string | null {
  return LEFTHOOK_CONFIGS.find((name) => existsSync(path.join(root, name))) ?? null;
}

/** The team's simple-git-hooks config: package.json (its `simple-git-hooks` key) or a JSON file of its own; null when none. */
export function findSimpleGitHooksConfig(root: string): string | null {
  const file = SIMPLE_GIT_HOOKS_FILES.find((name) => existsSync(path.join(root, name)));
  if (file) return file;
  try {
    const pkg = JSON.parse(readTextOrNull(path.join(root, 'package.json')) ?? '{}') as Record<string, unknown>;
    return typeof pkg[SIMPLE_GIT_HOOKS_KEY] === 'object' && pkg[SIMPLE_GIT_HOOKS_KEY] !== null ? 'package.json' : null;
  } catch {
    return null;
  }
}

/**
 * A hook manager that lays git's hooks from its own config lays them again, after init or
 * uninstall changed the config (lefthook installs only the hooks its config names; simple-git-hooks
 * copies the commands into the scripts). The command to run by hand when the manager is not found.
 */
export async function runHookManager(root: string, system: HookSystem): Promise<string | null> {
  const commands: Partial<Record<HookSystem, [string, string[]]>> = {
    lefthook: ['lefthook', ['install']],
    'simple-git-hooks': ['simple-git-hooks', []],
    'pre-commit': ['pre-commit', ['install']],
  };
  const command = commands[system];
  if (!command) return null;
  const [bin, args] = command;
  const local = path.join(root, 'node_modules/.bin', bin);
  const { execFile } = await import('node:child_process');
  const ok = await new Promise<boolean>((resolve) => execFile(existsSync(local) ? local : bin, args, { cwd: root }, (error) => resolve(error === null)));
  return ok ? null : [bin, ...args].join(' ');
}

/** The version of the canon that runs now: what a node hook of the pre-commit framework pins. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Folders canon would use whose files are of another kind: those kinds get a folder of their own. */
function planFolders(root: string): Partial<Record<NoteKind, string>> {
  const moved: Partial<Record<NoteKind, string>> = {};
  for (const kind of NOTE_KINDS) {
    const folder = DEFAULT_CONFIG.folders[kind];
    const dir = path.join(root, folder);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    const foreign = readdirSync(dir).filter((n) => {
      if (!n.endsWith('.md') || /^(INDEX|TEMPLATE|README)\.md$/.test(n)) return false;
      if (classifyPath(`${folder}/${n}`, DEFAULT_CONFIG)?.role === 'note') return false;
      // A team's ADRs in the usual numbering are adopted in place: `canon backfill` brings them in.
      return !(kind === 'adr' && /^(adr-)?\d{3,4}[-_]/i.test(n));
    });
    if (foreign.length > 0) moved[kind] = `docs/canon/${folder.split('/').at(-1)}`;
  }
  return moved;
}

/** Everything init would create or change, read from the repository as it is now. */
export async function planInit(
  cwd: string,
  options: { notionWorkflow?: boolean; obsidian?: boolean; ci?: boolean; dependency?: string } = {},
): Promise<InstallPlan> {
  const layout = await readCloneLayout(cwd);
  const root = layout.top;
  const pkgRoot = packageRoot();
  const files: FileStep[] = [];
  const warnings: string[] = [];
  const add = (rel: string, after: string, strip: Strip, why: string, mode?: number) => {
    const before = readTextOrNull(path.join(root, rel));
    if (before !== after) files.push({ path: rel, before, after, strip, why, ...(mode === undefined ? {} : { mode }) });
  };
  const record = readRecord(root);
  const copy = (rel: string, from: string, why: string, transform: (s: string) => string = (s) => s) => place(rel, transform(readFileSync(from, 'utf8')), why);
  /** A whole file of canon's: never over a different file canon did not write. */
  const place = (rel: string, text: string, why: string) => {
    const before = readTextOrNull(path.join(root, rel));
    if (before !== null && before !== text && !isOurs(record, rel, before))
      warnings.push(`${rel} exists and is not canon's: kept as it is (canon's version was not installed)`);
    else add(rel, text, 'whole', why);
  };

  const pkgText = readTextOrNull(path.join(root, 'package.json'));
  const pm = detectPackageManager({ packageJson: pkgText, has: (name) => existsSync(path.join(root, name)) });
  const pkg = pkgText === null ? {} : (JSON.parse(pkgText) as Record<string, unknown>);

  // No package.json (ADR-0031): canon comes as a node hook of the pre-commit framework, never as a dependency.
  const hooks = pm === 'none' ? await detectNonJsHooks(root) : await detectHooks(root, layout);
  // A clone whose hooks are not set up is told the install command of the team's own package manager.
  const words = { install: installCommand(pm), canon: canonCommand(pm) };
  const managed = hooks.system === 'lefthook' || hooks.system === 'simple-git-hooks' || hooks.system === 'pre-commit';
  const node = pm === 'none' ? { dependency: options.dependency ?? `canon-notes@${packageVersion()}` } : null;
  if (hooks.system === 'pre-commit') {
    const why = node
      ? `canon's hooks as a node hook the framework installs (${node.dependency}); \`pre-commit install\` lays them in every clone`
      : "canon's pre-commit, post-commit and pre-push hooks as a local repo (`pre-commit install` keeps them)";
    add(hooks.dir, mergePreCommitConfig(readTextOrNull(path.join(root, hooks.dir)) ?? '', node), 'pre-commit', why);
  }
  if (hooks.system === 'lefthook')
    add(
      hooks.dir,
      mergeLefthookConfig(readTextOrNull(path.join(root, hooks.dir)) ?? ''),
      'lefthook',
      "canon's pre-commit, post-commit and pre-push commands (`lefthook install` keeps them)",
    );
  if (hooks.system === 'simple-git-hooks' && hooks.dir !== 'package.json')
    add(
      hooks.dir,
      mergeSimpleGitHooks(readTextOrNull(path.join(root, hooks.dir)) ?? '{}', false),
      'simple-git-hooks',
      "canon's pre-commit, post-commit and pre-push blocks (simple-git-hooks keeps them)",
    );
  for (const hook of managed ? [] : CANON_HOOKS) {
    const rel = `${hooks.dir}/${hook}`;
    const before = readTextOrNull(path.join(root, rel));
    // husky runs its scripts with `sh -e` (no shebang, no exec bit needed); git runs core.hooksPath scripts itself.
    const direct = hooks.system === 'hooks-path';
    const shebang = direct && before === null ? '#!/bin/sh\n' : '';
    add(rel, shebang + mergeHookBlock(before, hook, words), 'block', `canon's ${hook} block`, direct ? 0o755 : undefined);
  }

  if (pkgText !== null) {
    const wanted = { ...SCRIPTS, ...(options.notionWorkflow ? SYNC_SCRIPT : {}) };
    const setup = setupScript(readPackageManager(root));
    const scripts = mergePackageScripts(pkgText, wanted, setup);
    // A postinstall runs wherever the package is installed from a registry, not only in its clones (husky's pinst note).
    if (setup === 'postinstall' && pkg.private !== true)
      warnings.push(
        'package.json is not "private": its postinstall (`canon setup`) would also run in projects that install this package from a registry; mark it private, or keep postinstall out of the published package (pinst)',
      );
    for (const name of scripts.conflicts)
      warnings.push(
        `package.json already has a "${name}" script; canon's /${name} commands call \`npm run ${name}\` and expect \`${wanted[name as keyof typeof wanted]}\``,
      );
    const sghInPackage = hooks.system === 'simple-git-hooks' && hooks.dir === 'package.json';
    add(
      'package.json',
      sghInPackage ? mergeSimpleGitHooks(scripts.text, true) : scripts.text,
      'package',
      `${setup} runs \`canon setup\`; handoff, resume and canon scripts (the slash commands call them)${sghInPackage ? "; canon's blocks in the simple-git-hooks config" : ''}`,
    );
  }

  const folders = planFolders(root);
  const config = { ...DEFAULT_CONFIG.folders, ...folders };
  const shard = `${config.session}/index/`;
  // The changelog goes to canon's driver only when it is canon's (or not there yet: handoff creates
  // it with canon's anchor); a team's own changelog keeps git's merge.
  const changelogFile = DEFAULT_CONFIG.changelog.file ?? 'CHANGELOG.md';
  const changelog = readTextOrNull(path.join(root, changelogFile));
  const ownsChangelog = changelog === null || isCanonChangelog(changelog);
  add(
    '.gitattributes',
    mergeLineBlock(
      readTextOrNull(path.join(root, '.gitattributes')),
      renderLineBlock([
        'INDEX.md merge=canon-index',
        `${shard}*.md merge=canon-index`,
        ...(ownsChangelog ? [`/${changelogFile} merge=canon-index`] : []),
        `${config.workstream}/*.md merge=canon-index`,
      ]),
    ),
    'block',
    `INDEX files merge row by row, ${ownsChangelog ? 'the session changelog entry by entry, ' : ''}workstreams' Session Log lines as a set (canon's merge driver)`,
  );
  if (!ownsChangelog)
    warnings.push(
      `${changelogFile} is the team's own (no ${CHANGELOG_ANCHOR} line): canon leaves it to git's merge and does not write session entries into it`,
    );
  const ignoreNodeModules = pm !== 'none' && (await needsNodeModulesIgnored(root));
  add(
    '.gitignore',
    mergeLineBlock(
      readTextOrNull(path.join(root, '.gitignore')),
      renderLineBlock([
        '.claude/state/',
        '.canon/',
        '/site/',
        ...(ignoreNodeModules ? ['node_modules/'] : []),
        ...(options.obsidian ? OBSIDIAN_GITIGNORE : []),
      ]),
    ),
    'block',
    `canon's local state, /handoff drafts and the site of canon render stay out of git${ignoreNodeModules ? ', and node_modules' : ''}${options.obsidian ? ", and Obsidian's per-user files" : ''}`,
  );
  if (hasPrettier(root, pkg)) {
    // canon's whole files stay byte for byte what canon wrote, so a second init and uninstall still know them.
    const templates = NOTE_KINDS.filter((kind) => existsSync(path.join(pkgRoot, 'templates', `${kind}.md`))).map((kind) => `${config[kind]}/TEMPLATE.md`);
    const owned = [...templates, '.claude/operators.yaml'];
    add(
      '.prettierignore',
      mergeLineBlock(
        readTextOrNull(path.join(root, '.prettierignore')),
        renderLineBlock([
          '**/INDEX.md',
          shard,
          '.claude/skills/handoff-*/',
          '.claude/skills/resume-*/',
          '.claude/canon-install.json',
          'docs/sync/',
          '.canon/',
          ...owned.map((f) => `/${f}`),
          ...(options.obsidian ? [`${OBSIDIAN_TEMPLATES}/`] : []),
        ]),
      ),
      'block',
      "generated files and canon's templates, skills and operators file are not reformatted by prettier",
    );
  }

  // Claude Code: canon's plugin (its skills and hooks), enabled for the team; what earlier versions
  // copied into .claude/ goes where canon wrote it (ADR-0028).
  const settingsRel = '.claude/settings.json';
  add(
    settingsRel,
    planPluginSettings(readTextOrNull(path.join(root, settingsRel)), pm === 'none' || usesPnp(root) ? NON_JS_MARKETPLACE_PATH : undefined),
    'settings',
    `canon's Claude Code plugin (/canon:handoff, /canon:resume, its hooks) for everyone who opens the repository: extraKnownMarketplaces and enabledPlugins (the team's settings are kept)`,
  );
  const removals = planPluginMigration(root, pkgRoot, record?.files ?? {});

  if (!existsSync(path.join(root, '.claude/operators.yaml'))) {
    // With no commit `--all` names nothing and shortlog would read a log from stdin: give it an empty one.
    const shortlog = (await execGit(['shortlog', '-sne', '--all'], { cwd: root, input: '' })).stdout;
    let authors = parseShortlog(shortlog);
    if (authors.length === 0) {
      const git = await porcelain(root);
      const email = (await git.getConfig('user.email')).value;
      const name = (await git.getConfig('user.name')).value;
      if (email) authors = [{ name: name ?? email, email, commits: 1 }];
    }
    if (authors.length > 0)
      add('.claude/operators.yaml', renderOperatorsYaml(authors), 'whole', 'operators seeded from git shortlog (check slugs and initials)');
    else warnings.push("no commits and no git user: write .claude/operators.yaml by hand (see docs/guides/operators.md in canon's repository)");
  }
  for (const kind of NOTE_KINDS) {
    const template = path.join(pkgRoot, 'templates', `${kind}.md`);
    if (existsSync(template)) copy(`${config[kind]}/TEMPLATE.md`, template, `template for new ${kind} notes`);
  }
  if (Object.keys(folders).length > 0) {
    const current = readTextOrNull(path.join(root, 'canon.config.json'));
    const parsed = current ? (JSON.parse(current) as { folders?: Record<string, string> }) : {};
    const next = { ...parsed, folders: { ...folders, ...parsed.folders } };
    add(
      'canon.config.json',
      `${JSON.stringify(next, null, 2)}\n`,
      current ? 'package' : 'whole',
      `folders of another kind of file are left alone: ${Object.entries(folders)
        .map(([k, f]) => `${k} notes go to ${f}`)
        .join(', ')}`,
    );
  }
  if (options.obsidian) {
    for (const [rel, text] of Object.entries(renderObsidianBaseline({ folders: config, templates: OBSIDIAN_TEMPLATES })))
      place(rel, text, 'Obsidian vault: markdown links with relative paths, updated on rename; non-note folders excluded');
    for (const kind of NOTE_KINDS) {
      const template = path.join(pkgRoot, 'templates', `${kind}.md`);
      if (existsSync(template)) copy(`${OBSIDIAN_TEMPLATES}/${kind}.md`, template, `Obsidian template for ${kind} notes`);
    }
  }
  if (options.notionWorkflow)
    copy('.github/workflows/notion-sync.yml', path.join(pkgRoot, '.github/workflows/notion-sync.yml'), 'scheduled Notion sync (GitHub Actions)');
  if (options.ci) place(CI_WORKFLOW, renderCiWorkflow(), '`canon verify` on pull requests and pushes (GitHub Actions)');

  const gitConfig = [
    `core.hooksPath = ${path.join(layout.mainRoot ?? layout.top, hooks.dir, hooks.system === 'hooks-path' ? '' : '_')}`,
    `merge.canon-index.driver = <git-common-dir>/canon/run index-merge …`,
    `${path.join(layout.commonDir, 'canon/run')} (the runner every hook calls)`,
  ];
  if (hooks.system === 'hooks-path') gitConfig.shift();
  if (hooks.system === 'lefthook') gitConfig.splice(0, 1, "lefthook install (lays the hooks that run canon's commands)");
  if (hooks.system === 'simple-git-hooks') gitConfig.splice(0, 1, "simple-git-hooks (lays the hooks from its config, canon's blocks included)");
  if (hooks.system === 'pre-commit')
    gitConfig.splice(0, 1, `${pm === 'none' ? installCommand('none') : 'pre-commit install'} (lays the hooks from .pre-commit-config.yaml, canon's included)`);
  if (pm === 'none') gitConfig.push(`${PACKAGE_LINK} → the canon the framework installed (Claude Code's plugin and skills run it; git-ignored)`);
  return { root, layout, hookSystem: hooks.system, hookDir: hooks.dir, files, gitConfig, warnings, folders, removals, nonJs: pm === 'none' };
}

function readRecord(root: string): InstallRecord | null {
  const text = readTextOrNull(path.join(root, INSTALL_RECORD));
  return text ? (JSON.parse(text) as InstallRecord) : null;
}

/** How git ran hooks before the first init (the install record's), or null when there is no readable record. */
export function recordedHooks(root: string): InstallRecord['hooks'] | null {
  try {
    return readRecord(root)?.hooks ?? null;
  } catch {
    return null;
  }
}

/** A file canon wrote before (listed in the install record) and nobody changed since. */
function isOurs(record: InstallRecord | null, rel: string, text: string): boolean {
  const entry = record?.files[rel];
  return entry !== undefined && sha(text) === entry.written;
}

/** Write the plan's files and the record of what was there before. */
export async function applyInit(plan: InstallPlan, hooksPathBefore: string | null): Promise<string[]> {
  const record: InstallRecord = readRecord(plan.root) ?? { files: {}, hooks: { system: plan.hookSystem, hooksPath: hooksPathBefore } };
  const written: string[] = [];
  for (const step of plan.files) {
    await writeFileSafely(path.join(plan.root, step.path), step.after);
    if (step.mode !== undefined) chmodSync(path.join(plan.root, step.path), step.mode);
    const previous = record.files[step.path];
    record.files[step.path] = {
      created: previous?.created ?? step.before === null,
      ...(previous?.original !== undefined ? { original: previous.original } : step.before !== null && !previous ? { original: step.before } : {}),
      written: sha(step.after),
      strip: step.strip,
      ...((previous?.newline ?? (step.strip === 'block' && step.before !== null && step.before !== '' && removeLineBlock(step.after) !== step.before))
        ? { newline: true }
        : {}),
    };
    written.push(step.path);
  }
  applyPluginMigration(plan.root, plan.removals);
  for (const removal of plan.removals) delete record.files[removal.path];
  if (written.length + plan.removals.length > 0) await writeFileSafely(path.join(plan.root, INSTALL_RECORD), `${JSON.stringify(record, null, 2)}\n`);
  return written;
}

/** canon's untracked folders in a worktree (docs/contract.md §5 state, /handoff drafts). */
const LOCAL_STATE = ['.claude/state', '.canon'];

export interface UninstallStep {
  path: string;
  action: 'restore' | 'strip' | 'delete' | 'keep';
  after: string | null;
}

/** What uninstall does to each file init recorded: the team's bytes back where nothing changed since. */
export function planUninstall(root: string): { steps: UninstallStep[]; record: InstallRecord | null } {
  const record = readRecord(root);
  if (!record) return { steps: [], record };
  const steps: UninstallStep[] = [];
  for (const [rel, entry] of Object.entries(record.files)) {
    const current = readTextOrNull(path.join(root, rel));
    if (current === null) continue;
    const untouched = sha(current) === entry.written;
    if (untouched) {
      // A settings.json from before init may hold an earlier canon's hook entries (ADR-0028): not given back.
      const original =
        entry.strip === 'settings' && entry.original ? removePluginSettings(removeSettings(entry.original, LEGACY_HOOK_BUNDLES)) : (entry.original ?? '');
      steps.push(entry.created ? { path: rel, action: 'delete', after: null } : { path: rel, action: 'restore', after: original });
      continue;
    }
    const bundles = readdirSync(path.join(packageRoot(), '.claude/hooks')).filter((n) => n.endsWith('.mjs'));
    const stripped =
      entry.strip === 'block'
        ? removeLineBlock(current, entry.newline)
        : entry.strip === 'settings'
          ? removePluginSettings(removeSettings(current, bundles))
          : entry.strip === 'package'
            ? removeSimpleGitHooks(removePackageScripts(current, { ...SCRIPTS, ...SYNC_SCRIPT }), true)
            : entry.strip === 'lefthook'
              ? removeLefthookConfig(current)
              : entry.strip === 'simple-git-hooks'
                ? removeSimpleGitHooks(current, false)
                : entry.strip === 'pre-commit'
                  ? removePreCommitConfig(current)
                  : null;
    if (stripped === null) steps.push({ path: rel, action: 'keep', after: current });
    else if (entry.created && stripped.trim() === '') steps.push({ path: rel, action: 'delete', after: null });
    else steps.push({ path: rel, action: 'strip', after: stripped });
  }
  return { steps, record };
}

export async function applyUninstall(root: string, layout: CloneLayout, plan: ReturnType<typeof planUninstall>): Promise<void> {
  for (const step of plan.steps) {
    const file = path.join(root, step.path);
    if (step.action === 'delete') rmSync(file, { force: true });
    else if (step.action !== 'keep' && step.after !== null) await writeFileSafely(file, step.after);
  }
  rmSync(path.join(root, INSTALL_RECORD), { force: true });
  // The per-operator wrappers are generated (they carry the marker): they go with canon.
  const commands = path.join(root, '.claude/commands');
  for (const name of existsSync(commands) ? readdirSync(commands) : []) {
    if ((readTextOrNull(path.join(commands, name)) ?? '').includes(WRAPPER_MARKER)) rmSync(path.join(commands, name), { force: true });
  }
  const skills = path.join(root, SKILLS_DIR);
  for (const name of existsSync(skills) ? readdirSync(skills) : []) {
    if ((readTextOrNull(path.join(skills, name, 'SKILL.md')) ?? '').includes(WRAPPER_MARKER))
      applyPluginMigration(root, [{ path: `${SKILLS_DIR}/${name}/SKILL.md`, why: '' }]);
  }
  const git = await porcelain(root, undefined, { wiring: true });
  await git.raw(['config', '--remove-section', 'merge.canon-index']).catch(() => undefined);
  // core.hooksPath exactly as it was before the first init: the same value, or unset.
  const before = plan.record?.hooks;
  if (before?.hooksPath) await git.addConfig('core.hooksPath', before.hooksPath);
  else if (before) await git.raw(['config', '--unset', 'core.hooksPath']).catch(() => undefined);
  rmSync(path.join(layout.commonDir, 'canon'), { recursive: true, force: true });
  if (before) await runHookManager(root, before.system);
  // canon's local state and /handoff drafts, git-ignored by canon's block only: gone with it.
  for (const dir of LOCAL_STATE) {
    if ((await git.raw(['ls-files', '--', dir])).trim() === '') rmSync(path.join(root, dir), { recursive: true, force: true });
  }
  // Folders that held only canon's files (.claude/skills/, a .claude/ init created) go with them: git
  // does not show an empty folder, but the team's tree had none there.
  const emptied = new Set<string>([SKILLS_DIR, '.claude/commands']);
  for (const step of plan.steps) if (step.action === 'delete') for (let dir = path.dirname(step.path); dir !== '.'; dir = path.dirname(dir)) emptied.add(dir);
  for (const dir of [...emptied].sort((a, b) => b.split('/').length - a.split('/').length)) {
    try {
      rmdirSync(path.join(root, dir));
    } catch {
      // not empty, or not there
    }
  }
}

export async function readHooksPath(root: string): Promise<string | null> {
  return (await (await porcelain(root)).getConfig('core.hooksPath', 'local')).value;
}
