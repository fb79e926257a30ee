// Which Claude Code session a command run from inside it belongs to (docs/contract.md §6 step 2).
//
// Claude Code hands the id to its children in several places: `$CLAUDE_CODE_SESSION_ID` (set for
// hooks and Bash tool calls), `${CLAUDE_SESSION_ID}` substituted in command files (so /handoff passes
// `--session-id <uuid>`), and `$CLAUDE_SESSION_ID` (older clients, docs/contract.md §5). When any of them names a
// session, that session is the answer, even if it recorded nothing: guessing from the newest state
// file is how a handoff picked up another terminal's clean telemetry. Only when none is known does
// canon look at what is in `.claude/state/`, and it refuses rather than pick one of several live ones.
import { UsageError } from '../errors.js';
import { claudeMessages as m } from '../messages/claude.js';
import { listTelemetrySessions, PARALLEL_WINDOW_MS } from './telemetry.js';

export type SessionIdSource = 'flag' | 'env-claude-code' | 'env-claude' | 'only-session' | 'none';

export interface ResolvedSessionId {
  id: string | null;
  source: SessionIdSource;
}

/** A usable id: non-empty, and not a `${CLAUDE_SESSION_ID}` left unsubstituted by an older client. */
export function givenSessionId(value: string | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '' || /^\$\{?CLAUDE_(CODE_)?SESSION_ID\}?$/.test(trimmed)) return null;
  return trimmed;
}

/**
 * `--session-id` → `$CLAUDE_CODE_SESSION_ID` → `$CLAUDE_SESSION_ID` → the one session in
 * `.claude/state/` that is live (else, when none is live, the one that was active within the hour).
 * Several candidates and no id: UsageError naming `--session-id`. None: `{ id: null }`.
 */
export function resolveSessionIdFor(root: string, flag: string | undefined, env: NodeJS.ProcessEnv, now: Date = new Date()): ResolvedSessionId {
  const fromFlag = givenSessionId(flag);
  if (fromFlag !== null) return { id: fromFlag, source: 'flag' };
  const fromClaudeCode = givenSessionId(env.CLAUDE_CODE_SESSION_ID);
  if (fromClaudeCode !== null) return { id: fromClaudeCode, source: 'env-claude-code' };
  const fromClaude = givenSessionId(env.CLAUDE_SESSION_ID);
  if (fromClaude !== null) return { id: fromClaude, source: 'env-claude' };

  const recent = listTelemetrySessions(root).filter((s) => now.getTime() - s.mtimeMs <= PARALLEL_WINDOW_MS);
  const live = recent.filter((s) => s.endedAt === null);
  const candidates = live.length > 0 ? live : recent;
  if (candidates.length === 0) return { id: null, source: 'none' };
  if (candidates.length === 1) return { id: candidates[0]!.stem, source: 'only-session' };
  throw new UsageError(m.resolve.ambiguous(candidates.map((s) => s.stem)), m.resolve.ambiguousHint);
}
