// Standalone entry of the SessionStart/SessionEnd hook, bundled to .claude/hooks/session.mjs and run
// by Claude Code as `node "$CLAUDE_PROJECT_DIR"/.claude/hooks/session.mjs`: only Node built-ins.
import { runSessionHookMain } from '../hooks/claude/session.js';
import { processHookContext } from './hook-context.js';

// runSessionHook logs its own failures; whatever escapes must still not fail the session.
runSessionHookMain(processHookContext())
  .catch(() => undefined)
  .finally(() => {
    process.exitCode = 0;
  });
