import { createGitRepo, type GitRepo } from './git-repo.js';
import { commitAs, type LegacyFile } from './backfill-legacy.js';

/**
 * A team's ADRs as other tools write them, each committed by its author on its own date: adr-tools
 * (Nygard), MADR 2 bullets, MADR 3 front matter, log4brains; named `001-x.md`, `adr-002-x.md`,
 * `0003_x.md` and `0004-x.md`; linking to each other by the old names.
 */
export const ADR_FILES: LegacyFile[] = [
  {
    rel: 'docs/adr/001-use-postgres.md',
    author: 'roman@example.com',
    date: '2024-03-02',
    text: `# 1. Use Postgres

Date: 2024-03-01

## Status

Superseded by [3. Use CockroachDB](0003_use_cockroachdb.md)

## Context

We need a relational store.

## Decision

Use Postgres.

## Consequences

One more service to run.
`,
  },
  {
    rel: 'docs/adr/adr-002-use-madr.md',
    author: 'sergei@example.com',
    date: '2024-03-06',
    text: `# Use MADR for decisions

* Status: accepted
* Deciders: Roman, Sergei <!-- optional -->
* Date: 2024-03-05

Technical Story: see [the first decision](001-use-postgres.md#decision).

## Context and Problem Statement

How do we record decisions?

## Decision Outcome

Chosen option: "MADR", because it is plain markdown.
`,
  },
  {
    rel: 'docs/adr/0003_use_cockroachdb.md',
    author: 'sergei@example.com',
    date: '2024-04-02',
    text: `# 3. Use CockroachDB

Date: 2024-04-01

## Status

Accepted

Supersedes [1. Use Postgres](001-use-postgres.md)

## Context

Postgres does not span regions for us. Customers in three regions see write latency above
300 ms, and the failover drill of March took the checkout down for twelve minutes. We looked at
managed Postgres with read replicas, at sharding by customer, and at a database that spans
regions by design. Read replicas do not help writes; sharding moves the problem into every query.

## Decision

Use CockroachDB.

\`\`\`
Date: 1999-01-01
see (001-use-postgres.md)
\`\`\`
`,
  },
  {
    rel: 'docs/adr/0004-drop-redis.md',
    author: 'roman@example.com',
    date: '2024-05-03',
    text: `---
status: rejected
date: 2024-05-01
decision-makers: Roman
---
# Drop Redis

## Context and Problem Statement

Redis is one more thing to run. See [ADR 2](./adr-002-use-madr.md).
`,
  },
  {
    rel: 'docs/adr/0005-use-log4brains.md',
    author: 'sergei@example.com',
    date: '2024-06-02',
    text: `# Use log4brains to publish decisions

- Status: draft
- Deciders: Sergei
- Date: 2024-06-01
- Tags: Docs, process

## Context and Problem Statement

We want a site of our decisions, like [MADR][madr].

[madr]: adr-002-use-madr.md
`,
  },
  {
    rel: 'docs/learnings/postgres-limits.md',
    author: 'roman@example.com',
    date: '2024-04-03',
    text: `---
title: Postgres limits
kind: learning
external_id: LRN-postgres-limits
---
Why we moved on: [ADR 1](../adr/001-use-postgres.md) and [ADR 3](../adr/0003_use_cockroachdb.md).
`,
  },
];

/** The names backfill gives them. */
export const ADR_RENAMES: Record<string, string> = {
  'docs/adr/001-use-postgres.md': 'docs/adr/0001-use-postgres.md',
  'docs/adr/adr-002-use-madr.md': 'docs/adr/0002-use-madr.md',
  'docs/adr/0003_use_cockroachdb.md': 'docs/adr/0003-use-cockroachdb.md',
};

export function createAdrRepo(options: { hooks?: boolean; files?: LegacyFile[] } = {}): GitRepo {
  const repo = createGitRepo({ hooks: options.hooks ?? false });
  repo.git(['add', '-A']);
  commitAs(repo, 'roman@example.com', '2024-01-01', 'operators');
  for (const file of [...(options.files ?? ADR_FILES)].sort((a, b) => a.date.localeCompare(b.date))) {
    repo.write(file.rel, file.text);
    repo.git(['add', '--', file.rel]);
    commitAs(repo, file.author, file.date, `add ${file.rel}`);
  }
  return repo;
}
