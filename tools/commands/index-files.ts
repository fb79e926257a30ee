import type { CommandContext, CommandOutcome } from '../context.js';
import { openRepo } from '../io/repo.js';
import { messages } from '../messages/index.js';
import { changedIndexes, renderAllIndexes, updateStagedIndexes, writeIndexes } from '../steps/note-indexes.js';

export interface IndexOptions {
  check?: boolean;
  staged?: boolean;
  json?: boolean;
}

export async function runIndex(options: IndexOptions, ctx: CommandContext): Promise<CommandOutcome<{ changed: string[] }>> {
  const repo = openRepo(ctx.cwd);
  let changed: string[];
  if (options.staged) changed = await updateStagedIndexes(repo);
  else {
    const files = changedIndexes(repo, renderAllIndexes(repo));
    changed = [...files.keys()];
    if (!options.check) await writeIndexes(repo, files);
  }
  if (options.json) ctx.logger.out(JSON.stringify({ changed }, null, 2));
  else if (!options.staged) {
    for (const rel of changed) ctx.logger.out(options.check ? messages.index.stale(rel) : messages.index.written(rel));
    if (options.check && changed.length > 0) ctx.logger.err(messages.index.checkHint);
  }
  return { exitCode: options.check && changed.length > 0 ? 1 : 0, result: { changed } };
}
