import type { NoteKind } from '../core/config.js';
import path from 'node:path';
import { monthOf, parseIndex, SESSION_SHARD_DIR, spliceIndex, type IndexRow } from '../core/index-render.js';
import { classifyPath, trimSlashes } from '../core/layout.js';
import { normalizeText } from '../core/normalize.js';
import type { Issue, NoteRef } from '../core/validate-note.js';
import { execGit, splitNul } from '../io/git.js';
import type { RangeBlob } from '../io/range-notes.js';
import type { Repo } from '../io/repo.js';
import { readBlobs, SYMLINK_MODE, type BlobRead } from '../io/staged.js';
import { loadNoteBytes, type LoadedNote } from '../io/store.js';
import { gateMessages as m } from '../messages/gates.js';
import { changesFor, indexPath, rowFile, rowOf, shardPath, spliceMonths, type IndexFiles, type RowChanges } from './note-indexes.js';
import { createLinkFixer } from './note-links.js';
import { validateNotes } from '../commands/validate.js';
import type { CommitIssue } from './scan-range-secrets.js';

/**
 * The notes a push touches, as they stand in the pushed tip: what `canon verify` would say of them
 * in CI, for these notes only. Each is checked against its schema with a current content_hash
 * (`validate --strict`), for canonical form (`normalize --check`), for links (a wikilink left or
 * naming no note; targets looked up in the tip's tree), and the INDEX files they belong to must
 * hold exactly their rows (the tip's INDEX text, spliced with the rows the notes give, is unchanged).
 * Everything is read from git objects: one `ls-tree`, and the blobs through `read` (the push gate
 * passes one `cat-file --batch` for all its reads), so the cost follows the notes pushed, never the store.
 *
 * An issue names the last commit of the range that changed its note (INDEX issues: the tip).
 */
export async function checkTipNotes(
  repo: Repo,
  tip: string,
  tipSubject: string,
  blobs: readonly RangeBlob[],
  indexes: readonly RangeBlob[] = [],
  read: BlobRead = (specs) => readBlobs(repo.root, specs),
): Promise<CommitIssue[]> {
  const { root, config } = repo;
  // Per path: the last commit that changed it, and its version before the range (for a session's old month).
  const touched = new Map<string, { last: RangeBlob; before: string | null }>();
  for (const blob of blobs) {
    const known = touched.get(blob.path);
    touched.set(blob.path, { last: blob, before: known ? known.before : blob.before });
  }
  // An INDEX file the range edits: the notes of the rows it changed are checked too, and a session
  // row is taken off the month page it was edited on (it must come back there, or be elsewhere).
  const extraRemovals = await readEditedRows(tip, indexes, touched, repo.config, read);
  if (touched.size === 0) return [];
  const blame = (file: string) => {
    const last = touched.get(file)?.last;
    return last ? { commit: last.commit, subject: last.subject } : { commit: tip, subject: tipSubject };
  };

  const listing = await execGit(['ls-tree', '-z', '--full-tree', tip, '--', ...touched.keys()], { cwd: root });
  const atTip = new Map<string, { mode: string; oid: string }>();
  for (const record of listing.code === 0 ? splitNul(listing.stdout) : []) {
    const tab = record.indexOf('\t');
    const [mode = '', , oid = ''] = record.slice(0, tab).split(' ');
    atTip.set(record.slice(tab + 1), { mode, oid });
  }
  const refs = new Map<string, NoteRef>();
  for (const rel of touched.keys()) {
    const info = classifyPath(rel, config);
    if (info?.role === 'note') refs.set(rel, { rel, kind: info.kind, stem: info.stem });
  }
  const befores = [...touched.entries()].filter(([rel, t]) => t.before !== null && refs.get(rel)?.kind === 'session').map(([, t]) => t.before!);
  const blobBytes = await read([...new Set([...[...atTip.values()].filter((e) => e.mode !== SYMLINK_MODE).map((e) => e.oid), ...befores])]);

  const issues: Issue[] = [];
  const loaded: LoadedNote[] = [];
  for (const [rel, ref] of refs) {
    const entry = atTip.get(rel);
    if (!entry) continue; // deleted at the tip: only its INDEX row is checked
    if (entry.mode === SYMLINK_MODE) {
      issues.push({ file: rel, line: 1, column: 1, severity: 'error', pointer: '', message: m.push.symlink, rule: 'file/symlink' });
      continue;
    }
    loaded.push(loadNoteBytes(ref, blobBytes.get(entry.oid) ?? Buffer.alloc(0), config));
  }

  issues.push(...(await validateNotes(repo, loaded, { strict: true, wholeStore: false })));
  const hashFlagged = new Set(issues.filter((i) => i.rule.startsWith('hash/')).map((i) => i.file));
  const fixer = createLinkFixer(root, config, { tree: tip });
  for (const item of loaded) {
    if (item.problem) continue;
    if (!hashFlagged.has(item.ref.rel) && item.note.hasFrontmatter && normalizeText(item.text, item.note, item.ref.kind) !== null) {
      issues.push({ file: item.ref.rel, line: 1, column: 1, severity: 'error', pointer: '', message: m.push.notNormal, rule: 'normalize/changed' });
    }
    const { changes } = await fixer.fix(item.ref, item.text, item.note, true);
    for (const change of changes) {
      issues.push({
        file: item.ref.rel,
        line: change.line,
        column: change.column,
        severity: 'error',
        pointer: '',
        message: m.push.wikilink(change.from, change.to),
        rule: 'link/wikilink',
      });
    }
  }
  issues.push(...(await fixer.issues()));

  const rowAt = (ref: NoteRef, bytes: Buffer | null | undefined) => (bytes ? rowOf(loadNoteBytes(ref, bytes, config)) : null);
  const indexIssues = await checkIndexRows(
    repo,
    read,
    tip,
    extraRemovals,
    [...refs.values()].map((ref) => {
      const entry = atTip.get(ref.rel);
      const before = touched.get(ref.rel)!.before;
      return {
        ref,
        row: entry && entry.mode !== SYMLINK_MODE ? rowAt(ref, blobBytes.get(entry.oid)) : null,
        old: ref.kind === 'session' && before !== null ? rowAt(ref, blobBytes.get(before)) : null,
      };
    }),
  );

  return [
    ...issues.filter((i) => i.severity === 'error').map((i) => ({ ...i, ...blame(i.file) })),
    ...indexIssues.map((i) => ({ ...i, commit: tip, subject: tipSubject })),
  ];
}

/**
 * The INDEX files of the tip, spliced with the rows of the touched notes the way the commit door
 * splices them: each must come out unchanged. A session's old row (from its version before the
 * range) is removed from the month page it was on.
 */
async function checkIndexRows(
  repo: Repo,
  read: BlobRead,
  tip: string,
  extraRemovals: ReadonlyArray<{ month: string; file: string }>,
  notes: Array<{ ref: NoteRef; row: IndexRow | null; old: IndexRow | null }>,
): Promise<Issue[]> {
  const byKind = new Map<NoteKind, RowChanges>();
  const byMonth = new Map<string, RowChanges>();
  for (const { month, file } of extraRemovals) changesFor(byMonth, month).removals.push(file);
  for (const { ref, row, old } of notes) {
    const file = rowFile(ref);
    if (ref.kind !== 'session') {
      const changes = changesFor(byKind, ref.kind);
      if (row) changes.upserts.push(row);
      else changes.removals.push(file);
      continue;
    }
    if (old) changesFor(byMonth, monthOf(old.date)).removals.push(file);
    if (row) changesFor(byMonth, monthOf(row.date)).upserts.push(row);
  }
  const { config } = repo;
  const wanted = [...byKind.keys()].map((kind) => indexPath(config, kind));
  if (byMonth.size > 0) wanted.push(indexPath(config, 'session'), ...[...byMonth.keys()].map((month) => shardPath(config, month)));
  const texts = await read(wanted.map((rel) => `${tip}:${rel}`));
  const atTip = new Map(wanted.map((rel) => [rel, texts.get(`${tip}:${rel}`)?.toString('utf8') ?? null]));
  const readOnce = (rel: string) => atTip.get(rel) ?? null;

  const issues: Issue[] = [];
  const issue = (file: string, line: number, message: string, rule: string) =>
    issues.push({ file, line, column: 1, severity: 'error', pointer: '', message, rule });
  const expected: IndexFiles = new Map();
  for (const [kind, { upserts, removals }] of byKind) {
    const rel = indexPath(config, kind);
    const text = readOnce(rel);
    if (text === null) {
      if (upserts.length > 0) issue(rel, 1, m.push.indexMissing, 'index/missing');
      continue;
    }
    const spliced = spliceIndex(kind, text, upserts, removals);
    if (spliced === null) issue(rel, 1, m.push.indexUnreadable, 'index/unreadable');
    else expected.set(rel, spliced);
  }
  if (byMonth.size > 0) {
    const months: IndexFiles = new Map();
    if (spliceMonths(repo, byMonth, readOnce, months)) for (const [rel, text] of months) expected.set(rel, text);
    else issue(indexPath(config, 'session'), 1, m.push.indexUnreadable, 'index/unreadable');
  }
  for (const [rel, text] of expected) {
    const actual = readOnce(rel);
    if (actual === text) continue;
    if (text !== null && actual === null) issue(rel, 1, m.push.indexMissing, 'index/missing');
    else {
      const { line, what } = firstDifference(actual ?? '', text ?? '');
      issue(rel, line, m.push.indexStale(what), 'index/stale');
    }
  }
  return issues;
}

/**
 * The rows an INDEX file changed between its version before the range and the tip: their notes
 * join `touched` (blamed on the INDEX's last commit), and for a month page the removals to splice.
 */
async function readEditedRows(
  tip: string,
  indexes: readonly RangeBlob[],
  touched: Map<string, { last: RangeBlob; before: string | null }>,
  config: Repo['config'],
  read: BlobRead,
): Promise<Array<{ month: string; file: string }>> {
  const edited = new Map<string, { last: RangeBlob; before: string | null }>();
  for (const blob of indexes) edited.set(blob.path, { last: blob, before: edited.get(blob.path)?.before ?? blob.before });
  if (edited.size === 0) return [];
  const specs = [...edited].flatMap(([rel, e]) => [`${tip}:${rel}`, ...(e.before ? [e.before] : [])]);
  const texts = await read(specs);
  const rowsOf = (spec: string | null) => {
    const bytes = spec ? texts.get(spec) : null;
    return bytes ? (parseIndex(bytes.toString('utf8')) ?? []) : [];
  };
  const removals: Array<{ month: string; file: string }> = [];
  const shardDir = `${trimSlashes(config.folders.session)}/${SESSION_SHARD_DIR}/`;
  for (const [rel, e] of edited) {
    const month = rel.startsWith(shardDir) ? rel.slice(shardDir.length, -'.md'.length) : null;
    const kind: NoteKind | undefined = month !== null ? 'session' : classifyPath(rel, config)?.kind;
    if (kind === undefined) continue;
    const key = (row: IndexRow) => JSON.stringify(row);
    const before = new Set(rowsOf(e.before).map(key));
    const after = rowsOf(`${tip}:${rel}`);
    const afterKeys = new Set(after.map(key));
    const changed = [...rowsOf(e.before).filter((row) => !afterKeys.has(key(row))), ...after.filter((row) => !before.has(key(row)))];
    for (const row of changed) {
      const stem = path.posix.basename(row.file, '.md');
      const note = `${trimSlashes(config.folders[kind])}/${stem}.md`;
      if (classifyPath(note, config)?.role !== 'note') continue;
      if (!touched.has(note)) touched.set(note, { last: e.last, before: null });
      if (month !== null) removals.push({ month, file: row.file });
    }
  }
  return removals;
}

/** The first line where the committed INDEX and the expected one differ, and what is there. */
function firstDifference(actual: string, expected: string): { line: number; what: string } {
  const a = actual.split('\n');
  const e = expected.split('\n');
  let i = 0;
  while (i < a.length && i < e.length && a[i] === e[i]) i++;
  const got = a[i] ?? '';
  const want = e[i] ?? '';
  const what =
    want === '' ? `line ${i + 1} should not be there: ${clip(got)}` : got === '' ? `missing ${clip(want)}` : `has ${clip(got)}, expected ${clip(want)}`;
  return { line: i + 1, what };
}

function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 97)}…` : text;
}
