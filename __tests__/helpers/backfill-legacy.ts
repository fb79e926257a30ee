import { createGitRepo, type GitRepo } from './git-repo.js';

/**
 * A legacy store as teams have it before adopting canon: notes written by hand and by earlier
 * tools, each committed by its own author on its own date, with the classic traps (docs/contract.md §9).
 */
export interface LegacyFile {
  rel: string;
  text: string;
  author: string;
  date: string;
}

const crlf = (text: string) => text.replace(/\n/g, '\r\n');

export const LEGACY_FILES: LegacyFile[] = [
  {
    rel: 'docs/sessions/CONV-30.md',
    author: 'roman@example.com',
    date: '2026-03-02',
    text: `---
title: Conversation 30
operator: Roman
date: 2026-03-02
summary: First pass at the Notion mirror.
tags: "notion, Sync"
notion_session_id_note: "was 30 in the Notion export"
---
## Summary

First pass at the Notion mirror.

## Resume Prompt

Pick up the mirror.
`,
  },
  {
    rel: 'docs/sessions/CONV-30-buyer-journey.md',
    author: 'sergei@example.com',
    date: '2026-03-03',
    // The earlier tool collapsed all three CONV-30 files onto one id.
    text: `---
title: Buyer journey
external_id: CONV-30
filename_note: exported as "CONV-30 (2).md"
---
## Summary

Mapped the buyer journey end to end,
with the checkout steps.

## Next steps

- test it
`,
  },
  {
    rel: 'docs/sessions/CONV-30-cloudflare.md',
    author: 'sergei@example.com',
    date: '2026-03-04',
    text: `---
title: Cloudflare tunnel
operator: SK
summary: Moved the preview behind a tunnel.
date_started: 2026-03-04
---
## Summary

Moved the preview behind a tunnel.
`,
  },
  {
    rel: 'docs/sessions/LOCAL-2026-05-11-1.md',
    author: 'roman.t@example.org',
    date: '2026-05-12',
    text: `---
# written offline, reconcile with Notion later
title: Offline session
notion_page_id: pending-reconcile
notion_session_id_note: created while Notion was down
summary: Worked offline on the hook.
filename_note: LOCAL ids are dated, not numbered
date_started: 2026-05-11
---
## Summary

Worked offline on the hook.
`,
  },
  {
    rel: 'docs/sessions/RT-260511-02.md',
    author: 'sergei@example.com',
    date: '2026-05-11',
    // No front matter at all: written by hand in an editor.
    text: `# Hook hardening

## Summary

Hardened the telemetry hook against garbage input.

## Resume Prompt

Continue with the lock.
`,
  },
  {
    rel: 'workstreams/notion-sync.md',
    author: 'sergei@example.com',
    date: '2026-02-01',
    text: `---
title: Notion sync
status: Active
priority: P1
---
## Goal

Mirror the store into Notion.
`,
  },
  {
    rel: 'workstreams/repo-flip.md',
    author: 'roman@example.com',
    date: '2026-02-02',
    text: crlf(`---
title: Repo as canonical store
summary: Flip the store from Notion to git.
---
## Goal

Flip it.

## Session Log
`),
  },
  {
    rel: 'docs/plans/sync-plan.md',
    author: 'sergei@example.com',
    date: '2026-02-10',
    text: `---
title: Sync plan
status: In Progress
owner: sergei
score: 7
---
## Plan

Do the sync.

## Changelog
`,
  },
  {
    rel: 'docs/adr/0001-use-git.md',
    author: 'roman@example.com',
    date: '2026-01-15',
    text: `---
title: Use git as the store
deciders: Roman, Sergei
---
## Context

Notion is slow.

## Decision

Use git.
`,
  },
  {
    rel: 'docs/learnings/yaml-dates.md',
    author: 'roman@example.com',
    date: '2026-04-01',
    text: crlf(`---
title: YAML dates
tags: [yaml]
---
Dates stay strings under the core schema.
`),
  },
];

/** Committed first under an old name by sergei, then renamed by roman: the owner is still sergei. */
export const RENAMED = { from: 'workstreams/old-name.md', to: 'workstreams/hooks.md', author: 'sergei@example.com', renamer: 'roman@example.com' };
const RENAMED_TEXT = `---
title: Hooks
status: paused
---
## Goal

Quiet hooks.
`;

export function commitAs(repo: GitRepo, email: string, date: string, message: string): void {
  const when = `${date}T10:00:00+00:00`;
  repo.git(['commit', '-q', '--no-verify', '-m', message], {
    env: { GIT_AUTHOR_EMAIL: email, GIT_AUTHOR_NAME: email.split('@')[0], GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when },
  });
}

/** A temporary repository holding the legacy store, one commit per file, by that file's author. */
export function createLegacyRepo(options: { hooks?: boolean; extra?: LegacyFile[] } = {}): GitRepo {
  const repo = createGitRepo({ hooks: options.hooks ?? false });
  repo.git(['add', '-A']);
  commitAs(repo, 'roman@example.com', '2026-01-01', 'operators');
  const files = [...LEGACY_FILES, ...(options.extra ?? [])].sort((a, b) => a.date.localeCompare(b.date));
  for (const file of files) {
    repo.write(file.rel, file.text);
    repo.git(['add', '--', file.rel]);
    commitAs(repo, file.author, file.date, `add ${file.rel}`);
  }
  repo.write(RENAMED.from, RENAMED_TEXT);
  repo.git(['add', '--', RENAMED.from]);
  commitAs(repo, RENAMED.author, '2026-02-03', 'add workstream');
  repo.git(['mv', RENAMED.from, RENAMED.to]);
  commitAs(repo, RENAMED.renamer, '2026-02-04', 'rename workstream');
  return repo;
}
