/** Every sentence `canon sync` says to a person. */
export const syncMessages = {
  unknownKind: (kind: string, known: readonly string[]) => `--kinds: "${kind}" is not a note kind (known: ${known.join(', ')}).`,
  commitNeedsApply: '--commit needs --apply: a dry run writes nothing to commit.',
  noToken: 'NOTION_TOKEN is not set, so canon cannot talk to Notion.',
  noTokenHint:
    'Create an internal integration at https://www.notion.so/profile/integrations, share the database with it, and export NOTION_TOKEN=<its secret> (in CI: a repository secret). Nothing was sent; no files were changed.',
  noDatabase: 'No Notion database is configured.',
  noDatabaseHint: 'Set NOTION_DATABASE_ID, or notion.database_id (or notion.data_source_id) in canon.config.json. Nothing was sent; no files were changed.',
  badRate: (source: string, value: string) => `${source} must be a number above 0, not "${value}".`,
  locked: (holder: string) => `another sync is running (${holder}); one sync at a time keeps Notion free of duplicates.`,
  lockedHint: 'Wait for it to finish. If no sync is running, the lock is stale: it is broken automatically once its process is gone.',
  lockLost: 'this sync lost its lock (its lease ran out and another run took it over), so it stopped before sending more.',
  lockLostHint: 'The notes sent so far are in Notion; run sync again to write them back (their pages are found by external_id, none is made twice).',
  connect: (what: string) => `could not read the Notion database: ${what}`,
  connectHint: 'Check NOTION_TOKEN, the database id, and that the database is shared with the integration. No files were changed.',
  schemaFatal: (problems: string) => `the Notion database cannot hold canon's notes: ${problems}.`,
  schemaFatalHint:
    'Add the property to the database (or map it in canon.config.json under notion.properties). external_id is what keeps one page per note. Nothing was sent; no files were changed.',
  schemaWarning: (problems: string) => `warning: the Notion database does not have every property canon writes (${problems}); those values are skipped.`,
  missingProperty: (name: string, expected: string) => `"${name}" (${expected}) is missing`,
  wrongType: (name: string, expected: string, actual: string) => `"${name}" is ${actual}, not ${expected}`,
  planHeader: 'Dry run: nothing is sent and no file is changed. Run with --apply to do it.',
  nothingToDo: 'Nothing to sync: every note is unchanged since its last sync (0 requests).',
  summary: (counts: { create: number; update: number; skip: number; error: number }, requests: number) =>
    `${counts.create} created, ${counts.update} updated, ${counts.skip} unchanged, ${counts.error} failed; ${requests} request(s) to Notion.`,
  planSummary: (counts: { create: number; update: number; skip: number; error: number }, requests: number, setup: number, version: string) =>
    `would create ${counts.create}, update ${counts.update}, skip ${counts.skip}; ${counts.error} error(s). ` +
    `About ${requests} request(s) to Notion${setup > 0 ? ` (${setup} of them to read the database, its schema and canon's pages)` : ''}, Notion-Version ${version}.`,
  progressStatus: (spent: number, remaining: number, perSecond: number) =>
    `${spent} req${remaining > 0 && perSecond > 0 ? `, ETA ${Math.ceil(remaining / perSecond)}s` : ''}`,
  markdownRefused: (why: string) => `the markdown endpoint refused it (${why})`,
  fellBack: (why: string) => `sent on the block path: ${why}`,
  linksPending: (count: number) => `${count} link(s) to notes not in Notion yet: added on a later run`,
  linksResolved: 'a note it links to now has a Notion page',
  linkPassPlan: 'its links to notes created in this run: 1 request',
  linksAdded: (count: number) => `${count} link(s) to notes created in this run added`,
  linksFailed: (why: string) => `its links to notes created in this run could not be added (${why}); the next run adds them`,
  failedHint: 'Failed notes carry sync_status: error and sync_error; fix what it says and run sync again. The rest was synced.',
  wroteAudit: (file: string) => `wrote ${file}`,
  committed: (sha: string) => `committed the write-backs and audit log as ${sha}`,
  commitFailed: (reason: string) => `the sync worked but the commit failed: ${reason}`,
  commitFailedHint: 'The write-backs and docs/sync/LAST_SYNC.md are in the working tree; commit them yourself.',
  nothingToCommit: 'nothing to commit: no note changed.',
  changedDuringSync: (file: string) => `${file} could not be read back after the sync; its sync metadata was not written.`,
  rateLimitWhy: (answer: string, limit: string | null, waitSeconds: number | null, why: string) =>
    `${answer.replace(/\.$/, '')}${limit ? ` (limit reached: ${limit})` : ''}${waitSeconds !== null ? `, Retry-After ${waitSeconds} s` : ''}; ${why}`,
  rateLimitPending: (why: string) => `not sent: Notion's rate limit stopped the run (${why}); it stays pending and the next run sends it`,
  linksStopped: (why: string) => `its links wait for the next run: Notion's rate limit stopped this one (${why})`,
  rateLimitStop: (pending: number, why: string) => `Notion's rate limit stopped this run before every note was sent (${why}); ${pending} note(s) left pending.`,
  rateLimitStopHint: 'Run sync again once the limit has passed: the notes sent so far are synced, and no page is made twice.',
  restricted: (answer: string) =>
    `${answer} — the integration may not change this page: share the database (or the page) with it, and give it the insert and update content capabilities; the next run tries again`,
  conflict: (answer: string) => `${answer} — Notion refused the change twice as a conflict (an edit at the same moment); the next run tries again`,
  outcomeUnknown: (answer: string) => `${answer} — whether Notion applied the write is unknown; the next run looks the page up before it writes again`,
  childContent: (titles: readonly string[]) =>
    `its Notion page holds child pages or databases added in Notion${titles.length > 0 ? ` (${titles.join(', ')})` : ''}, which replacing the body would delete; canon never deletes them (it sends no allow_deleting_content): move them out of the page and the next run updates it`,
  adopted: 'adopted the existing page with this external_id',
  recreated: 'its page was gone from Notion; created a new one',
} as const;
