/**
 * The pure half of `canon init` / `canon uninstall`: text in, text out. Every edit canon makes to a
 * team's file is either a marked block (line files: hooks, .gitattributes, .gitignore,
 * .prettierignore) or an entry it can find again (settings.json hook entries, package.json scripts),
 * so it can always be taken out again without touching the team's own lines.
 */

const LINE_BLOCK_BEGIN = '# >>> canon >>> (managed by canon; `canon uninstall` removes this block)';
const LINE_BLOCK_END = '# <<< canon <<<';

export function renderLineBlock(lines: readonly string[]): string {
  return [LINE_BLOCK_BEGIN, ...lines, LINE_BLOCK_END].join('\n') + '\n';
}

function findLineBlock(text: string): { start: number; end: number } | null {
  const start = text.indexOf(LINE_BLOCK_BEGIN);
  if (start < 0) return null;
  const close = text.indexOf(LINE_BLOCK_END, start);
  if (close < 0) return null;
  let end = close + LINE_BLOCK_END.length;
  if (text[end] === '\n') end += 1;
  return { start, end };
}

export function hasLineBlock(text: string): boolean {
  return findLineBlock(text) !== null;
}

/** The file with canon's block in it: replaced where it stands, else appended last. */
export function mergeLineBlock(existing: string | null, block: string): string {
  if (existing === null || existing === '') return block;
  const found = findLineBlock(existing);
  if (found) return existing.slice(0, found.start) + block + existing.slice(found.end);
  return `${existing}${existing.endsWith('\n') ? '' : '\n'}${block}`;
}

/** The file without canon's block (and without the newline canon added before it, if it did). */
export function removeLineBlock(text: string, addedNewline = false): string {
  const found = findLineBlock(text);
  if (!found) return text;
  const before = text.slice(0, found.start);
  return (addedNewline && before.endsWith('\n') ? before.slice(0, -1) : before) + text.slice(found.end);
}

// --- .claude/settings.json -------------------------------------------------------------------

/**
 * Claude Code settings, the part canon touches:
 *
 *     { "hooks": { "PostToolUse": [ { "matcher": "*", "hooks": [ { "type": "command", "command": "…" } ] } ] } }
 */
interface HookCommand {
  type: string;
  command: string;
  [key: string]: unknown;
}
interface HookGroup {
  matcher?: string;
  hooks: HookCommand[];
  [key: string]: unknown;
}
type Settings = { hooks?: Record<string, HookGroup[]>; [key: string]: unknown };

/** A hook command is canon's when it runs one of canon's bundles. */
export function isCanonHookCommand(command: string, bundles: readonly string[]): boolean {
  return bundles.some((b) => command.includes(`.claude/hooks/${b}`));
}

function detectIndent(text: string): string {
  return /^([ \t]+)"/m.exec(text)?.[1] ?? '  ';
}

/**
 * settings.json with canon's hook groups added for every event where the team's file does not
 * already run canon's bundle; everything else is kept as it was (the file is re-serialised with
 * its own indentation only when something is added).
 */
export function mergeSettings(existing: string | null, canon: Record<string, HookGroup[]>, bundles: readonly string[]): string {
  const settings: Settings = existing === null || existing.trim() === '' ? {} : (JSON.parse(existing) as Settings);
  const hooks = (settings.hooks ??= {});
  let changed = existing === null;
  for (const [event, groups] of Object.entries(canon)) {
    const present = (hooks[event] ?? []).some((g) => g.hooks?.some((h) => isCanonHookCommand(h.command ?? '', bundles)));
    if (present) continue;
    hooks[event] = [...(hooks[event] ?? []), ...groups];
    changed = true;
  }
  if (!changed) return existing!;
  return `${JSON.stringify(settings, null, existing ? detectIndent(existing) : 2)}\n`;
}

/** settings.json without canon's hook commands (groups and events left empty by that are dropped). */
export function removeSettings(existing: string, bundles: readonly string[]): string {
  const settings = JSON.parse(existing) as Settings;
  if (!settings.hooks) return existing;
  let changed = false;
  for (const [event, groups] of Object.entries(settings.hooks)) {
    const kept: HookGroup[] = [];
    for (const group of groups) {
      const commands = (group.hooks ?? []).filter((h) => !isCanonHookCommand(h.command ?? '', bundles));
      if (commands.length !== (group.hooks ?? []).length) changed = true;
      if (commands.length > 0) kept.push({ ...group, hooks: commands });
    }
    if (kept.length > 0) settings.hooks[event] = kept;
    else delete settings.hooks[event];
  }
  if (!changed) return existing;
  if (Object.keys(settings.hooks).length === 0) delete settings.hooks;
  return `${JSON.stringify(settings, null, detectIndent(existing))}\n`;
}

// --- package.json -----------------------------------------------------------------------------

const SETUP_COMMAND = 'canon setup';

/**
 * The package.json scripts canon adds: `script` (the one the manager runs on install: prepare, or
 * yarn's postinstall) gains `canon setup`; handoff and resume, when free.
 */
export function mergePackageScripts(
  existing: string,
  wanted: Record<string, string>,
  script: 'prepare' | 'postinstall' = 'prepare',
): { text: string; conflicts: string[] } {
  const pkg = JSON.parse(existing) as { scripts?: Record<string, string> };
  const scripts = (pkg.scripts ??= {});
  const conflicts: string[] = [];
  let changed = false;
  const current = scripts[script];
  if (current === undefined) {
    scripts[script] = SETUP_COMMAND;
    changed = true;
  } else if (!current.includes(SETUP_COMMAND)) {
    scripts[script] = `${current} && ${SETUP_COMMAND}`;
    changed = true;
  }
  for (const [name, command] of Object.entries(wanted)) {
    if (scripts[name] === undefined) {
      scripts[name] = command;
      changed = true;
    } else if (scripts[name] !== command) conflicts.push(name);
  }
  if (!changed) return { text: existing, conflicts };
  return { text: `${JSON.stringify(pkg, null, detectIndent(existing))}\n`, conflicts };
}

/** package.json with canon's scripts taken out again (prepare and postinstall back to what they were). */
export function removePackageScripts(existing: string, wanted: Record<string, string>): string {
  const pkg = JSON.parse(existing) as { scripts?: Record<string, string> };
  const scripts = pkg.scripts;
  if (!scripts) return existing;
  let changed = false;
  for (const script of ['prepare', 'postinstall']) {
    if (scripts[script] === SETUP_COMMAND) {
      delete scripts[script];
      changed = true;
    } else if (scripts[script]?.endsWith(` && ${SETUP_COMMAND}`)) {
      scripts[script] = scripts[script]!.slice(0, -` && ${SETUP_COMMAND}`.length);
      changed = true;
    }
  }
  for (const [name, command] of Object.entries(wanted)) {
    if (scripts[name] === command) {
      delete scripts[name];
      changed = true;
    }
  }
  if (!changed) return existing;
  if (Object.keys(scripts).length === 0) delete pkg.scripts;
  return `${JSON.stringify(pkg, null, detectIndent(existing))}\n`;
}

// --- operators.yaml from git shortlog -----------------------------------------------------------

/**
 * `git shortlog -sne HEAD` lines, one per name and email:
 *
 *     12\tRoman T. <roman@example.com>
 *      3\tRoman T. <rt@example.net>
 */
export function parseShortlog(text: string): Array<{ name: string; email: string; commits: number }> {
  const out: Array<{ name: string; email: string; commits: number }> = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\t(.*?)\s*<([^>]*)>\s*$/.exec(line);
    if (m) out.push({ commits: Number(m[1]), name: m[2]!, email: m[3]!.toLowerCase() });
  }
  return out;
}

function ascii(s: string): string {
  return s.normalize('NFKD').replace(/[^\x00-\x7f]/g, '');
}

/**
 * One operator per person (emails of one name grouped, most commits first), with a unique
 * kebab-case slug and unique initials, rendered as operators.yaml.
 */
export function renderOperatorsYaml(authors: ReturnType<typeof parseShortlog>): string {
  const people = new Map<string, { name: string; emails: string[]; commits: number }>();
  for (const a of [...authors].sort((x, y) => y.commits - x.commits)) {
    const key = a.name.trim().toLowerCase() || a.email;
    const person = people.get(key) ?? { name: a.name.trim() || a.email.split('@')[0]!, emails: [], commits: 0 };
    if (!person.emails.includes(a.email)) person.emails.push(a.email);
    person.commits += a.commits;
    people.set(key, person);
  }
  const slugs = new Set<string>();
  const initialsTaken = new Set<string>();
  const lines = ['operators:'];
  for (const person of [...people.values()].sort((a, b) => b.commits - a.commits)) {
    const words = ascii(person.name)
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean);
    const base =
      words[0] ??
      (ascii(person.emails[0]!.split('@')[0]!)
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') ||
        'operator');
    let slug = base;
    for (let i = 1; slugs.has(slug); i++) slug = words[i] && i === 1 ? `${base}-${words[i]}` : `${base}-${i + 1}`;
    slugs.add(slug);
    const letters = (words.length > 1 ? `${words[0]![0]}${words.at(-1)![0]}` : `${base.slice(0, 2)}`)
      .toUpperCase()
      .replace(/[^A-Z]/g, 'X')
      .padEnd(2, 'X');
    let initials = letters;
    const pool = `${words.join('')}XYZ`.toUpperCase().replace(/[^A-Z]/g, '');
    for (let i = 1; initialsTaken.has(initials) && i < pool.length; i++) initials = `${letters}${pool[i]}`.slice(0, 3);
    initialsTaken.add(initials);
    lines.push(
      `  - slug: ${slug}`,
      `    initials: ${initials}`,
      `    name: ${JSON.stringify(person.name)}`,
      `    emails: [${person.emails.map((e) => JSON.stringify(e)).join(', ')}]`,
    );
  }
  return `${lines.join('\n')}\n`;
}
