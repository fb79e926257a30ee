// Standalone entry of the SessionStart/SessionEnd hook, bundled to .claude/hooks/session.mjs and run
// by Claude Code as `node "$CLAUDE_PROJECT_DIR"/.claude/hooks/session.mjs`: only Node built-ins.
import { runSessionHookSync } from '../hooks/session.js';

try {
  runSessionHookSync();
} catch {
  // runSessionHook logs its own failures; whatever escapes must still not fail the session.
}
process.exitCode = 0;
