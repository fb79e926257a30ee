import { lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../../context.js';
import { formatIssue } from '../../core/format-issues.js';
import { parseNote } from '../../core/frontmatter.js';
import { classifyPath, OPERATORS_FILE } from '../../core/layout.js';
import { normalizeText } from '../../core/normalize.js';
import { findTextControls } from '../../core/text-controls.js';
import type { Issue, NoteRef } from '../../core/validate-note.js';
import { writeFileSafely } from '../../io/fs.js';
import { checkWritableFiles } from '../../io/writable.js';
import { openRepo, type Repo } from '../../io/repo.js';
import { scanSecrets } from '../../core/secret-scan.js';
import {
  indexEntries,
  isTemporaryCommitIndex,
  listStagedEntries,
  treeEntries,
  type BlobRead,
  type IndexFixup,
  openBlobReader,
  readStagedState,
  saveIndexFixups,
  SYMLINK_MODE,
  writeIndexEntries,
  type StagedEntry,
} from '../../io/staged.js';
import { loadNoteBytes, readNote, type LoadedNote } from '../../io/store.js';
import { messages } from '../../messages/index.js';
import { createPaint } from '../../output.js';
import { generateCommandWrappers } from '../../commands/commands-generate.js';
import { createLinkFixer, type LinkFixer } from '../../steps/note-links.js';
import { planStagedIndexes, writeIndexes } from '../../steps/note-indexes.js';
import { resolveNoteArgs } from '../../steps/note-set.js';
import { validateNotes } from '../../commands/validate.js';

/**
 * canon's pre-commit hook, the part that has work to do: loaded by ./pre-commit.ts only when the
 * staged changes touch something canon handles (a note, an INDEX file, the config, the operators
 * file), or when `canon pre-commit <paths…>` names files.
 */

interface Checked {
  issues: Issue[];
  refuse: boolean;
}

/** Print the issues and decide: errors refuse the commit (in warn mode, only secrets do). */
function judge(repo: Repo, issues: Issue[], ctx: CommandContext): Checked {
  const paint = createPaint(ctx.logger.color);
  for (const issue of issues) ctx.logger.err(formatIssue(issue, paint));
  const errors = issues.filter((i) => i.severity === 'error');
  const secrets = errors.filter((i) => i.rule.startsWith('secret/'));
  // Secrets are refused even in warn mode: warn mode is for schema migrations, not for leaking tokens
  // (nor for characters a terminal acts on, ADR-0023).
  const blocking =
    repo.config.precommit.mode === 'warn' ? [...secrets, ...errors.filter((i) => i.rule === 'file/symlink' || i.rule.startsWith('text/'))] : errors;
  if (blocking.length > 0) ctx.logger.err(secrets.length > 0 ? messages.secrets.refused : messages.validate.refused);
  else if (errors.length > 0) ctx.logger.err(messages.validate.warnMode);
  return { issues, refuse: blocking.length > 0 };
}

/**
 * `loaded` are the notes as they will be committed (normalised); `written` the same notes as the user
 * wrote them, where a control character is placed: normalising adds and moves lines (ADR-0023).
 */
async function checkLoaded(repo: Repo, loaded: LoadedNote[], written: readonly LoadedNote[]): Promise<Issue[]> {
  const issues = (await validateNotes(repo, loaded, { strict: false, wholeStore: false })).filter((i) => !i.rule.startsWith('text/'));
  for (const item of written) if (item.note) issues.push(...findTextControls(item.ref.rel, item.note));
  for (const item of loaded) if (item.text !== undefined) issues.push(...(await scanSecrets(item.text, item.ref.rel)));
  return issues;
}

/** Normalised text of a loaded note (wikilinks rewritten), or null when it is already normal or cannot be read. */
async function normalized(item: LoadedNote, links: LinkFixer, report: boolean): Promise<string | null> {
  if (item.problem) return null;
  const { note } = await links.fix(item.ref, item.text, item.note, report);
  return normalizeText(item.text, note, item.ref.kind);
}

/** Each note's normalised text (null: unchanged), and the notes as they will be committed, to check. */
async function normalizeAll(loaded: readonly LoadedNote[], links: LinkFixer): Promise<{ texts: Array<string | null>; checked: LoadedNote[] }> {
  const texts: Array<string | null> = [];
  for (const item of loaded) texts.push(await normalized(item, links, true));
  const checked = loaded.map((item, i) => {
    const text = texts[i];
    return text === null || text === undefined ? item : { ref: item.ref, text, note: parseNote(text) };
  });
  return { texts, checked };
}

/**
 * The working file after the commit: the same normalisation applied to what is on disk, so a note
 * that was normalised (or edited) after `git add` never differs from the commit by canon's own keys,
 * and nothing is ever merged by patch (the way lint-staged restores hidden hunks, which duplicated
 * `content_hash` lines). A working file that is gone, a link, or does not parse is left alone.
 * Its wikilinks are rewritten against the staged store too; one that names no note stays as written
 * (it is not part of this commit).
 */
async function workingRewrite(repo: Repo, ref: NoteRef, stagedBytes: Buffer, stagedText: string | null, links: LinkFixer): Promise<string | null> {
  const file = path.join(repo.root, ref.rel);
  let bytes: Buffer;
  try {
    if (!lstatSync(file).isFile()) return null;
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  if (bytes.equals(stagedBytes)) return stagedText;
  return normalized(loadNoteBytes(ref, bytes, repo.config), links, false);
}

/**
 * The INDEX files the hook rewrote in the temporary index of `git commit <paths>`: what that index
 * held before (the staged blob when the file was among the paths, else HEAD's) and what it holds now.
 */
async function indexFixups(root: string, staged: readonly StagedEntry[], paths: readonly string[]): Promise<IndexFixup[]> {
  if (paths.length === 0) return [];
  const before = await treeEntries(root, 'HEAD', paths);
  for (const entry of staged) if (paths.includes(entry.path)) before.set(entry.path, { mode: entry.mode, oid: entry.status === 'D' ? '' : entry.oid });
  const after = await indexEntries(root, paths);
  return paths.map((rel) => ({ path: rel, mode: after.get(rel)?.mode ?? '100644', from: before.get(rel)?.oid ?? '', to: after.get(rel)?.oid ?? '' }));
}

/**
 * The hook: check the notes exactly as staged (blobs read from the index, so unstaged hunks are
 * never hidden, stashed or patched back; wikilinks rewritten, a name that is no note refuses the
 * commit), then write the normalised notes into the index with one
 * atomic index update, then the working files one atomic rename each, then the INDEX rows. A
 * refused commit writes nothing. Runs whatever the team's lint-staged config says: the team's own
 * hook lines (formatters) run before canon's block, so the hash covers their output.
 */
export async function runHook(repo: Repo, ctx: CommandContext, staged?: readonly StagedEntry[]): Promise<CommandOutcome<{ issues: Issue[] }>> {
  staged ??= await listStagedEntries(repo.root);
  // One `git cat-file --batch` for every read: the staged notes and the HEAD versions of the
  // sessions (the month page their old row sits on), then the INDEX pages the rows go to.
  const reader = openBlobReader(repo.root);
  try {
    return await checkAndWrite(repo, ctx, staged, reader.read);
  } finally {
    reader.close();
  }
}

async function checkAndWrite(repo: Repo, ctx: CommandContext, staged: readonly StagedEntry[], read: BlobRead): Promise<CommandOutcome<{ issues: Issue[] }>> {
  const notes: Array<{ ref: NoteRef; entry: StagedEntry }> = [];
  for (const entry of staged) {
    const info = classifyPath(entry.path, repo.config);
    if (entry.status !== 'D' && info?.role === 'note') notes.push({ ref: { rel: entry.path, kind: info.kind, stem: info.stem }, entry });
  }
  const links = notes.filter((n) => n.entry.mode === SYMLINK_MODE);
  const files = notes.filter((n) => n.entry.mode !== SYMLINK_MODE);
  const blobs = await read([
    ...files.map((n) => n.entry.oid),
    ...staged
      .filter((e) => {
        const info = e.status === 'A' ? null : classifyPath(e.path, repo.config);
        return info?.role === 'note' && info.kind === 'session';
      })
      .map((e) => `HEAD:${e.path}`),
  ]);
  const loaded = files.map(({ ref, entry }) => loadNoteBytes(ref, blobs.get(entry.oid) ?? Buffer.alloc(0), repo.config));
  const fixer = createLinkFixer(repo.root, repo.config, 'index');
  const { texts, checked } = await normalizeAll(loaded, fixer);
  const issues = [...(await fixer.issues()), ...(await checkLoaded(repo, checked, loaded))];
  for (const { ref } of links)
    issues.push({ file: ref.rel, line: 1, column: 1, severity: 'error', pointer: '', message: messages.store.symlinkRefused, rule: 'file/symlink' });
  const verdict = judge(repo, issues, ctx);
  if (verdict.refuse) return { exitCode: 1, result: { issues } };

  const changed = files.flatMap(({ ref, entry }, i) => (texts[i] === null ? [] : [{ ref, entry, text: texts[i]! }]));
  // A note canon cannot rewrite stops the commit here, before git's index or any file changes.
  checkWritableFiles(
    repo.root,
    changed.map(({ ref }) => ref.rel),
  );
  // The INDEX rows of the notes as they will be committed; an INDEX file canon did not generate
  // stops the commit here too.
  const committed = new Map(
    files.map(({ ref, entry }, i) => [ref.rel, typeof texts[i] === 'string' ? Buffer.from(texts[i]!) : (blobs.get(entry.oid) ?? Buffer.alloc(0))]),
  );
  const indexFiles = await planStagedIndexes(repo, staged, { read, committed });
  // Notes and INDEX files into the index in one atomic update (one hash-object, one update-index),
  // then the working files: a kill in between leaves a commit that has not happened yet and working
  // files that the next commit or `canon index` rewrites the same way.
  const oids = await writeIndexEntries(repo.root, [
    ...changed.map(({ ref, entry, text }) => ({ path: ref.rel, text, mode: entry.mode })),
    ...[...indexFiles].map(([rel, text]) => ({ path: rel, text })),
  ]);
  for (const [i, { ref, entry }] of files.entries()) {
    const text = await workingRewrite(repo, ref, blobs.get(entry.oid) ?? Buffer.alloc(0), texts[i] ?? null, fixer);
    if (text !== null) await writeFileSafely(path.join(repo.root, ref.rel), text);
  }
  await writeIndexes(repo, indexFiles);
  const indexes = [...indexFiles.keys()];
  if (isTemporaryCommitIndex(ctx.env.GIT_INDEX_FILE)) {
    // `git commit <paths>`: the real index must end up holding what is committed, INDEX files included.
    const notes = changed.map(({ ref, entry }, i) => ({ path: ref.rel, mode: entry.mode, from: entry.oid, to: oids[i]! }));
    await saveIndexFixups(repo.root, [...notes, ...(await indexFixups(repo.root, staged, indexes))]);
  }
  if (staged.some((c) => c.path === OPERATORS_FILE && c.status !== 'D')) await generateCommandWrappers(repo.root, true);
  return { exitCode: 0, result: { issues } };
}

/**
 * The hook's work done ahead of `git commit` by a command that commits notes it wrote (handoff,
 * ADR-0037), in its own process: the same checks and fixes as runHook, on what is staged now. When
 * they pass, the answer is the HEAD and staged tree they covered, for PRECOMMIT_CHECKED: the hook
 * then starts no node for exactly that content. null when anything is refused or fails: nothing is
 * said here (the hook says it, in the commit, as it always does).
 */
export async function precheckCommit(repo: Repo, env: NodeJS.ProcessEnv, now: () => Date): Promise<string | null> {
  const quiet: CommandContext = {
    cwd: repo.root,
    env,
    now,
    logger: { out: () => undefined, err: () => undefined, step: () => undefined, color: false, interactive: false },
  };
  try {
    if ((await runHook(repo, quiet)).exitCode !== 0) return null;
    return await readStagedState(repo.root, env);
  } catch {
    return null;
  }
}

/**
 * `canon pre-commit <paths…>` checks and normalises those files on disk, as a plain lint-staged
 * command would (lint-staged re-stages them): what older configs that list canon as a lint-staged
 * task still run, before canon's hook checks the staged notes again.
 */
export async function checkPaths(paths: readonly string[], ctx: CommandContext): Promise<CommandOutcome<{ issues: Issue[] }>> {
  const repo = openRepo(ctx.cwd);
  const { refs } = resolveNoteArgs(repo.root, ctx.cwd, paths, repo.config);
  const loaded = refs.map((ref) => readNote(repo.root, ref, repo.config));
  const fixer = createLinkFixer(repo.root, repo.config, 'working');
  const { texts, checked } = await normalizeAll(loaded, fixer);
  const verdict = judge(repo, [...(await fixer.issues()), ...(await checkLoaded(repo, checked, loaded))], ctx);
  if (!verdict.refuse) {
    for (const [i, ref] of refs.entries()) if (texts[i] !== null) await writeFileSafely(path.join(repo.root, ref.rel), texts[i]!);
  }
  return { exitCode: verdict.refuse ? 1 : 0, result: { issues: verdict.issues } };
}
