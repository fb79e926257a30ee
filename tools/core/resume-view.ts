import { inertData } from './inert-text.js';

/** Colour functions (identity when colour is off); output.ts's createPaint makes one. */
export type Paint = Record<'bold' | 'dim' | 'red' | 'yellow' | 'green' | 'cyan', (text: string) => string>;

/** What resume needs to know about one session note: a few frontmatter fields, nothing more. */
export interface SessionFacts {
  /** The file stem: `RT-260511-02`, legacy `CONV-30`, `LOCAL-2026-05-11-1`. */
  id: string;
  /** Repository-relative path, forward slashes. */
  path: string;
  operator: string | null;
  date: string | null;
  title: string | null;
  /** When the note was written (its `ended_at`): orders one day's sessions, whatever their NN. */
  ended_at: string | null;
}

export interface WorkstreamFacts {
  slug: string;
  path: string;
  title: string | null;
  owner: string | null;
  status: string | null;
  priority: string | null;
}

export interface ResumeOperator {
  slug: string;
  initials: string;
  name?: string | null;
}

/** The last session, read fresh from its file so the Resume Prompt is never stale. */
export interface LastSession {
  id: string;
  date: string | null;
  title: string | null;
  summary: string | null;
  resume_prompt: string | null;
  path: string;
}

/** The `--json` shape of docs/contract.md §13, plus `sessions`: the history the dashboard lists (`--limit`). */
export interface ResumeView {
  operator: { slug: string; initials: string };
  last_session: LastSession | null;
  sessions_count: number;
  sessions: Array<{ id: string; date: string | null; title: string | null; path: string }>;
  workstreams: {
    mine: Array<{ slug: string; title: string | null; status: string; priority: string | null }>;
    others: Array<{ slug: string; title: string | null; status: string; owner: string }>;
  };
  peers: Array<{ id: string; operator: string; date: string; title: string | null }>;
  message: string | null;
  /** Additive: Claude Code sessions of this clone that ended with tool calls and no handoff (docs/contract.md §8 step 5). */
  unfinished?: { sessions: number; tool_calls: number; ids: string[] };
}

const LEGACY_PREFIXES = ['CONV-', 'LOCAL-'];
/** `<INITIALS>-YYMMDD-NN`: NN orders sessions of one day. */
const SESSION_NN = /^[A-Za-z]+-\d{6}-(\d+)$/;
const MY_STATUSES = ['active', 'blocked', 'paused'] as const;
const PEER_WINDOW_DAYS = 7;
/** Your own workstreams are all shown; others' and the peer footer stay short on a busy team (--json has all). */
const PEERS_SHOWN = 10;
const OTHERS_SHOWN = 10;

/**
 * A session is the operator's when its file carries their initials, or when it is a legacy
 * `CONV-*` / `LOCAL-*` note whose frontmatter names them (docs/contract.md §8 step 1). Built once as a
 * predicate: it runs over every session of a 10,000-note store.
 */
function ownedBy(operator: ResumeOperator): (session: SessionFacts) => boolean {
  const prefix = `${operator.initials}-`;
  return (s) => s.id.startsWith(prefix) || (s.operator === operator.slug && LEGACY_PREFIXES.some((p) => s.id.startsWith(p)));
}

function compareNatural(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    // Odd positions hold the digit runs split() captured.
    if (i % 2 === 1) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

function sequence(id: string): number {
  const match = SESSION_NN.exec(id);
  return match ? Number(match[1]) : -1;
}

/** `ended_at` as epoch ms, or -Infinity when absent or not a date-time (legacy notes, claim-time drafts). */
function endedMs(session: SessionFacts): number {
  if (session.ended_at === null) return -Infinity;
  const ms = Date.parse(session.ended_at);
  return Number.isNaN(ms) ? -Infinity : ms;
}

/**
 * Newest first: by date, then by when the note was written (`ended_at`), then NN, then id (numbers
 * inside ids compared as numbers). Undated last. NN alone is not an order in time: a claim takes the
 * lowest free number, so after a stub is collected, or when another clone filled lower numbers
 * later, a lower NN can be the newer session.
 */
export function compareSessions(a: SessionFacts, b: SessionFacts): number {
  if (a.date !== b.date) {
    if (a.date === null) return 1;
    if (b.date === null) return -1;
    return a.date < b.date ? 1 : -1;
  }
  const ea = endedMs(a);
  const eb = endedMs(b);
  if (ea !== eb) return eb > ea ? 1 : -1;
  return sequence(b.id) - sequence(a.id) || compareNatural(b.id, a.id);
}

/** The operator's sessions, newest first. */
export function selectOwnSessions(sessions: readonly SessionFacts[], operator: ResumeOperator): SessionFacts[] {
  return sessions.filter(ownedBy(operator)).sort(compareSessions);
}

const PRIORITY_RANK = (p: string | null) => (p !== null && /^P\d$/.test(p) ? Number(p.slice(1)) : 9);

function byPriorityThenSlug(a: WorkstreamFacts, b: WorkstreamFacts): number {
  return PRIORITY_RANK(a.priority) - PRIORITY_RANK(b.priority) || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
}

/** Mine by status (active, blocked, paused), then others' active ones; each by priority, then slug. */
export function partitionWorkstreams(workstreams: readonly WorkstreamFacts[], slug: string): ResumeView['workstreams'] {
  const mine = workstreams
    .filter((w) => w.owner === slug && (MY_STATUSES as readonly (string | null)[]).includes(w.status))
    .sort((a, b) => MY_STATUSES.indexOf(a.status as never) - MY_STATUSES.indexOf(b.status as never) || byPriorityThenSlug(a, b))
    .map((w) => ({ slug: w.slug, title: w.title, status: w.status!, priority: w.priority }));
  const others = workstreams
    .filter((w) => w.owner !== null && w.owner !== slug && w.status === 'active')
    .sort(byPriorityThenSlug)
    .map((w) => ({ slug: w.slug, title: w.title, status: 'active', owner: w.owner! }));
  return { mine, others };
}

/** `today` minus `days` as YYYY-MM-DD (calendar arithmetic in UTC, so no time zone can shift it). */
/** The operator's local calendar date (TZ honoured): session ids and dates are written in it too. */
export function localDate(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function shiftDate(today: string, days: number): string {
  const t = Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1, Number(today.slice(8, 10)));
  return new Date(t - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Other operators' sessions dated within the last 7 days, today included (dates after today, from a
 * peer in a time zone ahead, count as recent too). Newest first.
 */
export function selectPeerSessions(sessions: readonly SessionFacts[], operator: ResumeOperator, today: string): ResumeView['peers'] {
  const since = shiftDate(today, PEER_WINDOW_DAYS - 1);
  const own = ownedBy(operator);
  return sessions
    .filter((s) => s.date !== null && s.date >= since && s.operator !== null && s.operator !== operator.slug && !own(s))
    .sort(compareSessions)
    .map((s) => ({ id: s.id, operator: s.operator!, date: s.date!, title: s.title }));
}

export interface ResumeInput {
  operator: ResumeOperator;
  /** The operator's sessions, newest first (selectOwnSessions). */
  own: readonly SessionFacts[];
  last: LastSession | null;
  sessions: readonly SessionFacts[];
  workstreams: readonly WorkstreamFacts[];
  /** The operator's local date, YYYY-MM-DD. */
  today: string;
  limit: number;
}

function noSessionsMessage(slug: string): string {
  return `no prior sessions for ${slug}`;
}

export function buildResumeView(input: ResumeInput): ResumeView {
  const { operator } = input;
  return {
    operator: { slug: operator.slug, initials: operator.initials },
    last_session: input.last,
    sessions_count: input.own.length,
    sessions: input.own.slice(0, Math.max(0, input.limit)).map((s) => ({ id: s.id, date: s.date, title: s.title, path: s.path })),
    workstreams: partitionWorkstreams(input.workstreams, operator.slug),
    peers: selectPeerSessions(input.sessions, operator, input.today),
    message: input.own.length === 0 ? noSessionsMessage(operator.slug) : null,
  };
}

/**
 * The `## Resume Prompt` section of a note body, verbatim (outer blank lines trimmed), or null.
 * It ends at the next heading of level 1 or 2; `#` lines inside a code fence do not end it.
 */
export function extractResumePrompt(body: string): string | null {
  const lines = body.split('\n');
  const start = lines.findIndex((l) => /^##[ \t]+Resume Prompt[ \t]*#*[ \t]*$/i.test(l));
  if (start === -1) return null;
  let end = lines.length;
  let fence: string | null = null;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === null || (marker[0] === fence[0] && marker.length >= fence.length))) {
      fence = fence === null ? marker : null;
      continue;
    }
    if (fence === null && /^#{1,2}[ \t]/.test(line)) {
      end = i;
      break;
    }
  }
  const text = lines
    .slice(start + 1, end)
    .join('\n')
    .replace(/^\s*\n/, '')
    .trimEnd();
  return text === '' ? null : text;
}

// ---- rendering -------------------------------------------------------------------------------------

export interface RenderOptions {
  paint: Paint;
  /** Columns to fit (80 unless the terminal says otherwise). */
  width?: number;
  /** Name shown in the header, when operators.yaml has one. */
  name?: string | null;
}

/** Characters, not UTF-16 units, so `…` and accented titles count as one column. */
function fit(text: string, width: number): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  if (chars.length <= width) return chars.join('');
  return width <= 1
    ? '…'.slice(0, width)
    : `${chars
        .slice(0, width - 1)
        .join('')
        .trimEnd()}…`;
}

function pad(text: string, width: number): string {
  const length = [...text].length;
  return length >= width ? text : text + ' '.repeat(width - length);
}

/**
 * Break long lines at spaces so the prompt reads well in 80 columns. Only spaces become line
 * breaks: every word stays as written (markdown reads a single line break as a space), and a word
 * longer than the width is left whole.
 */
export function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      if ([...line].length <= width) return line;
      const indent = /^\s*(?:[-*+] |\d+[.)] )?/.exec(line)![0];
      const hanging = ' '.repeat([...indent].length);
      const words = line.slice(indent.length).split(' ');
      const out: string[] = [];
      let current = indent;
      let fresh = true;
      for (const word of words) {
        const candidate = fresh ? current + word : `${current} ${word}`;
        if (!fresh && [...candidate].length > width) {
          out.push(current);
          current = hanging + word;
        } else current = candidate;
        fresh = false;
      }
      out.push(current);
      return out.join('\n');
    })
    .join('\n');
}

/**
 * The dashboard as text. Pure: colour comes in as `paint` (identity functions when colour is off).
 * Titles, prompts and names are the notes' text, yours and your peers': shown inert (ADR-0023).
 */
export function renderResume(input: ResumeView, options: RenderOptions): string {
  const { paint } = options;
  const view = inertData(input);
  const width = Math.max(40, options.width ?? 80);
  const out: string[] = [];
  const heading = (text: string) => out.push(paint.bold(paint.cyan(text)));
  const who = options.name
    ? `${inertData(options.name)} (${view.operator.slug}, ${view.operator.initials})`
    : `${view.operator.slug} (${view.operator.initials})`;
  out.push(`${paint.bold('canon resume')} ${paint.dim('·')} ${fit(who, width - 15)}`);
  out.push('');

  const last = view.last_session;
  if (last === null) {
    out.push(view.message ?? noSessionsMessage(view.operator.slug));
  } else {
    heading('Last session');
    out.push(`  ${paint.bold(last.id)}${last.date ? paint.dim(`  ${last.date}`) : ''}`);
    if (last.title) out.push(`  ${fit(last.title, width - 2)}`);
    if (last.summary)
      out.push(
        ...wrapText(last.summary.replace(/\s+/g, ' ').trim(), width - 2)
          .split('\n')
          .map((l) => `  ${paint.dim(l)}`),
      );
    out.push('');
    heading('Resume Prompt');
    out.push(last.resume_prompt === null ? paint.yellow(`  (${last.id} has no "## Resume Prompt" section)`) : wrapText(last.resume_prompt, width));
  }

  if (view.sessions.length > 1 || (view.sessions.length === 1 && view.sessions_count > 1)) {
    out.push('');
    heading(`Your sessions ${paint.dim(`(${view.sessions.length} of ${view.sessions_count})`)}`);
    const idWidth = Math.min(24, Math.max(...view.sessions.map((s) => [...s.id].length)));
    for (const s of view.sessions) {
      const lead = `  ${pad(fit(s.id, idWidth), idWidth)}  ${pad(s.date ?? '', 10)}  `;
      out.push(`${lead}${fit(s.title ?? '', width - [...lead].length)}`);
    }
  }

  const { mine, others } = view.workstreams;
  if (mine.length > 0) {
    out.push('');
    heading('Your workstreams');
    for (const w of mine) {
      const status = pad(w.status, 7);
      const coloured = w.status === 'active' ? paint.green(status) : w.status === 'blocked' ? paint.red(status) : paint.yellow(status);
      const lead = `  ${pad(w.priority ?? '', 2)}  `;
      const slugWidth = Math.min(32, [...w.slug].length);
      const rest = `${fit(w.slug, slugWidth)}  `;
      const used = [...lead].length + 9 + [...rest].length;
      out.push(`${lead}${coloured}  ${rest}${paint.dim(fit(w.title ?? '', width - used))}`.trimEnd());
    }
  }
  if (others.length > 0) {
    out.push('');
    heading("Others' active workstreams");
    const shown = others.slice(0, OTHERS_SHOWN);
    const ownerWidth = Math.min(12, Math.max(...shown.map((w) => [...w.owner].length)));
    for (const w of shown) {
      const lead = `  ${pad(fit(w.owner, ownerWidth), ownerWidth)}  ${fit(w.slug, 32)}  `;
      out.push(`${lead}${paint.dim(fit(w.title ?? '', width - [...lead].length))}`.trimEnd());
    }
    if (others.length > shown.length) out.push(paint.dim(`  … and ${others.length - shown.length} more (canon resume --json lists them all)`));
  }

  out.push('');
  if (view.peers.length === 0) {
    out.push(paint.dim(`No sessions by others in the last ${PEER_WINDOW_DAYS} days.`));
  } else {
    heading(`Peers, last ${PEER_WINDOW_DAYS} days`);
    const shown = view.peers.slice(0, PEERS_SHOWN);
    const idWidth = Math.min(24, Math.max(...shown.map((p) => [...p.id].length)));
    for (const p of shown) {
      const lead = `  ${pad(fit(p.id, idWidth), idWidth)}  `;
      out.push(`${lead}${fit(p.title ?? '', width - [...lead].length)}`);
    }
    const more = view.peers.length - shown.length;
    if (more > 0) out.push(paint.dim(`  … and ${more} more (canon resume --json lists them all)`));
  }
  return `${out.join('\n')}\n`;
}

/**
 * The notes a snapshot of this dashboard stats on every warm run (ADR-0040): the sessions it lists
 * (the last one first), every workstream (any of them can enter the partition), every session dated
 * within the peer window or later (the peers, and this operator's recent work), and the notes named
 * in `extra` (untracked or modified ones, those that could not be read). Sorted, each once.
 */
export function selectWatchedNotes(input: {
  own: readonly SessionFacts[];
  sessions: readonly SessionFacts[];
  workstreams: readonly WorkstreamFacts[];
  today: string;
  limit: number;
  extra: readonly string[];
}): string[] {
  const since = shiftDate(input.today, PEER_WINDOW_DAYS - 1);
  const watch = new Set(input.extra);
  for (const s of input.own.slice(0, Math.max(1, input.limit))) watch.add(s.path);
  for (const s of input.sessions) if (s.date !== null && s.date >= since) watch.add(s.path);
  for (const w of input.workstreams) watch.add(w.path);
  return [...watch].sort();
}
