// Standalone entry of the PostToolUse hook, bundled to .claude/hooks/post-tool-use.mjs and run by
// Claude Code as `node "$CLAUDE_PROJECT_DIR"/.claude/hooks/post-tool-use.mjs` (docs/contract.md §5): no commander,
// no canon CLI, only Node built-ins, so start-up costs about what `node -e 0` costs.
import { runPostToolUseHook } from '../hooks/claude/post-tool-use.js';
import { processHookContext } from './hook-context.js';

try {
  runPostToolUseHook(processHookContext());
} catch {
  // recordToolCall logs its own failures; whatever escapes must still not fail the agent.
}
process.exitCode = 0;
