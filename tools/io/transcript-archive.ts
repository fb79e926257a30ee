// Transcripts kept (docs/contract.md §6 step 4): at handoff, the session's Claude Code transcript and its
// subagents' transcripts are copied into one `<ID>.jsonl` next to the archived telemetry (or into
// `claude.transcripts_dir`), with every secret the commit scan would refuse masked in the copy.
// The note records only that it was archived and its size: never a path (it names a home folder).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CanonConfig } from '../core/config.js';
import type { TelemetryState } from '../core/telemetry.js';
import { findSecretRanges, maskSecret } from '../core/secret-scan.js';
import { claudeMessages } from '../messages/claude.js';
import { telemetryStateDir } from './telemetry.js';

export interface ArchivedTranscript {
  /** Where the copy went (absolute). */
  file: string;
  bytes: number;
  /** Subagent transcripts appended after the session's own lines. */
  subagents: number;
  masked: number;
}

/** Claude Code keeps a project's transcripts in ~/.claude/projects/<cwd with every non-alphanumeric as '-'>/. */
function defaultTranscriptPath(root: string, sessionId: string, env: NodeJS.ProcessEnv): string {
  const home = env.HOME && env.HOME !== '' ? env.HOME : os.homedir();
  const config = env.CLAUDE_CONFIG_DIR && env.CLAUDE_CONFIG_DIR !== '' ? env.CLAUDE_CONFIG_DIR : path.join(home, '.claude');
  return path.join(config, 'projects', root.replace(/[^A-Za-z0-9]/g, '-'), `${sessionId}.jsonl`);
}

/** The session's transcript: what the hooks recorded, else where Claude Code puts it by default. */
function locateTranscript(root: string, sessionId: string, state: TelemetryState | null, env: NodeJS.ProcessEnv): string | null {
  for (const candidate of [state?.transcript_path ?? null, defaultTranscriptPath(root, sessionId, env)]) {
    if (candidate !== null && existsSync(candidate)) return candidate;
  }
  return null;
}

/** `<dir>/<session id>/subagents/*.jsonl` beside the transcript (Claude Code 2.1), oldest first. */
function subagentTranscripts(transcript: string): string[] {
  const dir = path.join(path.dirname(transcript), path.basename(transcript, '.jsonl'), 'subagents');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return [];
  }
  return names.map((n) => path.join(dir, n)).sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs || (a < b ? -1 : 1));
}

function transcriptArchiveDir(root: string, config: CanonConfig): string {
  const configured = config.claude.transcripts_dir;
  if (configured === null) return path.join(telemetryStateDir(root), 'archive');
  return path.resolve(root, configured.replace(/^~(?=$|\/)/, os.homedir()));
}

/** Copy, mask and write `<ID>.jsonl` atomically. null when no transcript exists. */
async function archiveTranscript(
  root: string,
  config: CanonConfig,
  noteId: string,
  sessionId: string,
  state: TelemetryState | null,
  env: NodeJS.ProcessEnv,
): Promise<ArchivedTranscript | null> {
  const transcript = locateTranscript(root, sessionId, state, env);
  if (transcript === null) return null;
  const subagents = subagentTranscripts(transcript);
  const pieces = [transcript, ...subagents].map((file) => {
    const text = readFileSync(file, 'utf8');
    return text === '' || text.endsWith('\n') ? text : `${text}\n`;
  });
  let text = pieces.join('');
  const ranges = (await findSecretRanges(text)).sort((a, b) => b[0] - a[0]);
  let masked = 0;
  let floor = Infinity;
  for (const [start, end] of ranges) {
    if (end > floor) continue; // overlapping findings: the outer one is already masked
    text = `${text.slice(0, start)}${maskSecret(text.slice(start, end))}${text.slice(end)}`;
    floor = start;
    masked++;
  }
  const dir = transcriptArchiveDir(root, config);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${noteId}.jsonl`);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, file);
  return { file, bytes: Buffer.byteLength(text), subagents: subagents.length, masked };
}

/**
 * Handoff's call: archive the transcript of the session `state` belongs to, and say so. Never throws:
 * a transcript that cannot be kept is a warning, not a failed handoff. Returns its size, or null.
 */
export async function keepSessionTranscript(
  root: string,
  config: CanonConfig,
  noteId: string,
  state: TelemetryState | null,
  env: NodeJS.ProcessEnv,
  warn: (text: string) => void,
): Promise<number | null> {
  if (state === null) return null;
  try {
    const archived = await archiveTranscript(root, config, noteId, state.session_id, state, env);
    if (archived === null) return null;
    if (archived.masked > 0) warn(claudeMessages.transcript.masked(archived.masked));
    return archived.bytes;
  } catch (error) {
    warn(claudeMessages.transcript.failed(error instanceof Error ? error.message : String(error)));
    return null;
  }
}
