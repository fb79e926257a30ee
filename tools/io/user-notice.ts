// What the user must see from a command the agent ran (ADR-0028). Claude Code folds a Bash call's
// output into "Ran 1 shell command", so a WARNING or a refusal printed there reaches only the model.
// The command leaves it here, one file per session; the PostToolUse hook that runs right after the
// call prints it as {"systemMessage": …}, which Claude Code shows the user, and deletes it.
// Built-ins only: the PostToolUse bundle imports this.
import { appendFileSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { sanitizeSessionId } from '../core/telemetry.js';

const STATE_DIR = '.claude/state';

function userNoticeFile(root: string, sessionId: string): string {
  return path.join(root, STATE_DIR, `notice-${sanitizeSessionId(sessionId)}.txt`);
}

/** Leave `text` for the session's next hook run (appended to what is already waiting). */
export function writeUserNotice(root: string, sessionId: string, text: string): void {
  const file = userNoticeFile(root, sessionId);
  mkdirSync(path.dirname(file), { recursive: true });
  appendFileSync(file, `${text.trimEnd()}\n`);
}

/**
 * The waiting notice, taken: renamed first, so of two hooks running at once (parallel tool calls)
 * exactly one prints it. null when there is none, which costs one failed rename.
 */
export function takeUserNotice(root: string, sessionId: string): string | null {
  const file = userNoticeFile(root, sessionId);
  const taken = `${file}.${process.pid}`;
  try {
    renameSync(file, taken);
  } catch {
    return null;
  }
  try {
    return readFileSync(taken, 'utf8').trimEnd();
  } finally {
    rmSync(taken, { force: true });
  }
}
