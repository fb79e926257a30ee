// A seeded synthetic store for `npm run bench` (and the demo): sessions by three operators over many
// days, plus workstreams. Notes are written in canonical key order with a current content_hash,
// computed here independently of canon's TypeScript (the recipe of docs/contract.md §3.4), so the store is
// already normal: `canon normalize --all --check` passes on it.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../seeded-random.mjs';

export const BENCH_OPERATORS = [
  { slug: 'roman', initials: 'RT', name: 'Roman T.', email: 'roman@example.com' },
  { slug: 'sergei', initials: 'SK', name: 'Sergei K.', email: 'sergei@example.com' },
  { slug: 'alex', initials: 'AL', name: 'Alex L.', email: 'alex@example.com' },
];

const SYNC_KEYS = new Set(['content_hash', 'sync_status', 'notion_page_id', 'synced_at', 'synced_hash', 'sync_error']);
export function stableJson(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
    .join(',')}}`;
}
export function contentHash(data, body) {
  const f = Object.fromEntries(Object.entries(data).filter(([k]) => !SYNC_KEYS.has(k)));
  const b = body.replace(/\r\n?/g, '\n').replace(/\n*$/, '') + '\n';
  return `sha256:${createHash('sha256')
    .update(`${stableJson(f)}\n${b}`, 'utf8')
    .digest('hex')}`;
}

function yamlValue(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  if (typeof v === 'number') return String(v);
  const plain = /^[A-Za-z0-9][A-Za-z0-9 ._:-]*$/.test(v) && !/: |:$/.test(v);
  const special = /^(true|false|null|~|[-+]?(\d[\d_]*|\d*\.\d+)([eE][-+]?\d+)?|0x[0-9a-f]+|0o[0-7]+)$/i.test(v);
  return plain && !special ? v : JSON.stringify(v);
}

export function renderNote(data, body) {
  const full = { ...data, content_hash: contentHash(data, body) };
  const lines = Object.entries(full).map(([k, v]) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? `${k}:\n${Object.entries(v)
          .map(([mk, mv]) => `  ${mk}: ${mv}`)
          .join('\n')}`
      : `${k}: ${yamlValue(v)}`,
  );
  return `---\n${lines.join('\n')}\n---\n${body}`;
}

const WORDS = 'hook cache index sync schema notion resume handoff telemetry lock merge driver store note plan review'.split(' ');

function sentence(rand, n) {
  return Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
}

function resumePrompt(rand, id) {
  return `Continue from ${id}. ${sentence(rand, 90)}.\n\nConfidence: high`;
}

/** Write the store into `dir` (an existing folder, usually a fresh git repository). */
export function generateStore(dir, { sessions = 10000, workstreams = 200, operators = BENCH_OPERATORS, seed = 42 } = {}) {
  const rand = seededRandom(seed);
  const write = (rel, text) => {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  write(
    '.claude/operators.yaml',
    `operators:\n${operators.map((o) => `  - slug: ${o.slug}\n    initials: ${o.initials}\n    name: ${o.name}\n    emails: [${o.email}]\n`).join('')}`,
  );
  const statuses = ['active', 'active', 'paused', 'blocked', 'done'];
  const wsSlugs = [];
  for (let i = 0; i < workstreams; i++) {
    const slug = `ws-${String(i + 1).padStart(3, '0')}`;
    wsSlugs.push(slug);
    const owner = operators[i % operators.length].slug;
    const data = {
      title: `Workstream ${i + 1}: ${sentence(rand, 3)}`,
      owner,
      summary: sentence(rand, 12),
      status: statuses[Math.floor(rand() * statuses.length)],
      tags: ['bench'],
      kind: 'workstream',
      external_id: `WS-${slug}`,
      priority: `P${Math.floor(rand() * 4)}`,
    };
    write(`workstreams/${slug}.md`, renderNote(data, `## Goal\n\n${sentence(rand, 20)}.\n\n## Session Log\n`));
  }
  // Sessions: walk back one day at a time from 2026-11-20, a few sessions per operator per day.
  let day = Date.UTC(2026, 10, 20);
  let written = 0;
  const ids = [];
  while (written < sessions) {
    const date = new Date(day).toISOString().slice(0, 10);
    const yymmdd = date.slice(2).replace(/-/g, '');
    for (const op of operators) {
      const perDay = 1 + Math.floor(rand() * 3);
      for (let nn = 1; nn <= perDay && written < sessions; nn++) {
        const id = `${op.initials}-${yymmdd}-${String(nn).padStart(2, '0')}`;
        const data = {
          title: `${sentence(rand, 4)} (${id})`,
          operator: op.slug,
          summary: sentence(rand, 25),
          workstream: wsSlugs.length ? wsSlugs[Math.floor(rand() * wsSlugs.length)] : null,
          tags: ['bench'],
          kind: 'session',
          external_id: id,
          date,
          mode: 'full',
          confidence: 'high',
          tool_calls_count: Math.floor(rand() * 400),
          tool_calls_breakdown: { Bash: Math.floor(rand() * 100), mcp__notion_offplan: 0 },
        };
        const body = `## Summary\n\n${data.summary}.\n\n## What shipped\n\n- ${sentence(rand, 8)}\n\n## Resume Prompt\n\n${resumePrompt(rand, id)}\n`;
        write(`docs/sessions/${id}.md`, renderNote(data, body));
        ids.push(id);
        written++;
      }
    }
    day -= 86400000;
  }
  return { sessions: ids, workstreams: wsSlugs };
}
