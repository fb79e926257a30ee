// The slash commands the pinned Claude Code client lists with nothing of canon's around it (no plugin,
// no project, a fresh home): its built-ins, which nothing canon installs may shadow. They depend on
// the client version alone, so one bare session answers for every file and run: its answer is kept in
// the test cache under the version's name, and a later call reads it instead of starting the client.
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLAUDE_CODE_VERSION, runClaude } from './claude-client.js';
import { trustingHome } from './claude-plugin.js';
import { CACHE } from './test-cache.js';

/** `slash_commands` of the init event of a bare session (`claude -p`, no plugin, empty folder, fresh home). */
export async function bareSlashCommands(bin: string, apiUrl: string): Promise<string[]> {
  const file = path.join(CACHE, `claude-${CLAUDE_CODE_VERSION}-bare-slash-commands.json`);
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (Array.isArray(cached) && cached.length > 0 && cached.every((c) => typeof c === 'string')) return cached as string[];
  } catch {
    // not there yet (or torn): ask the client
  }
  const base = mkdtempSync(path.join(os.tmpdir(), 'canon-bare-claude-'));
  try {
    const cwd = path.join(base, 'project');
    const home = path.join(base, 'home');
    mkdirSync(cwd);
    trustingHome(home, [cwd]);
    const run = await runClaude({ bin, cwd, home, apiUrl, prompt: 'plain' });
    const init = run.events.find((e) => e.type === 'system' && e.subtype === 'init') as { slash_commands?: unknown } | undefined;
    const commands = init?.slash_commands;
    if (!Array.isArray(commands) || commands.length === 0) throw new Error(`a bare claude session listed no slash commands (exit ${run.code}): ${run.stderr}`);
    mkdirSync(CACHE, { recursive: true });
    const tmp = path.join(base, 'slash-commands.json');
    writeFileSync(tmp, `${JSON.stringify(commands)}\n`);
    renameSync(tmp, file); // the same file system: the cache and the temp folder are both under os.tmpdir()
    return commands as string[];
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
