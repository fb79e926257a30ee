import { createGitRepo, type GitRepo } from './git-repo.js';

/**
 * A small store that exercises what the site must do: relative links between notes (as canon's
 * link normalisation writes them) with anchors, wikilinks, a missing note, a file outside the
 * site, raw HTML and a script URL, a table, a task list, code, and Resume Prompts.
 */
export const RENDER_NOTES: Record<string, string> = {
  'docs/sessions/RT-260511-02.md': `---
title: Hook hardening, one bundle
operator: roman
summary: The PostToolUse hook is a prebuilt bundle now, fast and safe.
workstream: repo-flip
status: done
tags: [hooks, perf]
kind: session
external_id: RT-260511-02
date: 2026-05-11
---
## Summary

The hook was slow. This session follows [the spike](RT-260511-01.md#resume-prompt) and the
decision in [ADR-0001](../adr/0001-one-bundle.md#decision), for the workstream [[WS-repo-flip|repo flip]].
Open questions went to [[RT-260511-01]]; [[LRN-does-not-exist]] was never written, nor [this](RT-260511-09.md).
The build script is [tools/build.mjs](../../tools/build.mjs). Code keeps its brackets: \`[[RT-260511-01]]\`.

## What shipped

| Figure | Before | After |
| --- | --- | --- |
| hook median | 160 ms | 70 ms |

- [x] bundle the hook
- [ ] drop the old entry point

\`\`\`sh
node .claude/hooks/post-tool-use.mjs < payload.json
\`\`\`

## Resume Prompt

Continue the repo flip from RT-260511-02: the hook is a bundle; next, measure the pre-commit
overhead with \`npm run bench\` and read [the plan](../plans/flip-plan.md).

Confidence: high
`,
  'docs/sessions/RT-260511-01.md': `---
title: Spike on the hook bundle
operator: roman
summary: "A spike: can the hook import only built-ins?"
workstream: repo-flip
kind: session
external_id: RT-260511-01
date: 2026-05-10
---
## Summary

Yes, it can. Next: [[RT-260511-02]].

## Resume Prompt

Build the bundle.
`,
  'workstreams/repo-flip.md': `---
title: Repository as the canonical store
owner: roman
summary: Flip the canonical store from Notion to git.
status: active
kind: workstream
external_id: WS-repo-flip
---
## Goal

Notes live in git.

## Session Log

- [RT-260511-02](../docs/sessions/RT-260511-02.md) (2026-05-11): the hook bundle
- [RT-260511-01](../docs/sessions/RT-260511-01.md) (2026-05-10): the spike
`,
  'docs/adr/0001-one-bundle.md': `---
title: One bundle for the hook
status: accepted
kind: adr
external_id: ADR-0001
date: 2026-05-10
---
## Context

Start-up dominates.

## Decision

Bundle it. See the [plans](../plans/).
`,
  'docs/learnings/hostile-input.md': `---
title: Escaping & the <script> tag
summary: Notes are written in a hurry; "quotes" & <tags> in frontmatter stay text.
kind: learning
external_id: LRN-hostile-input
tags: [security]
---
## What happened

<b>raw html</b> and <script>alert(1)</script> and [a script](javascript:alert(1)) stay text.
An image on the network is only a link: ![a remote chart](https://example.com/chart.png).
`,
  'docs/plans/flip-plan.md': `---
title: Flip plan
owner: sergei
summary: How the flip happens.
status: in-progress
kind: plan
external_id: PLAN-flip-plan
---
## Steps

1. Bundle the hook ([[RT-260511-02#Resume Prompt|where we are]]).

## Changelog
`,
};

export function createRenderStore(extra: Record<string, string> = {}): GitRepo {
  const repo = createGitRepo({ files: { ...RENDER_NOTES, ...extra } });
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'notes'], { env: { HUSKY: '0' } });
  return repo;
}
