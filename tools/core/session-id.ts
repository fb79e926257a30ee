/** Session ids `<INITIALS>-YYMMDD-NN` (docs/contract.md §4): formatting, parsing, candidates, local dates, ages. */

export const MAX_SEQUENCE = 99;

export interface SessionId {
  initials: string;
  /** YYYY-MM-DD (the century is 20xx). */
  date: string;
  sequence: number;
}

const ID_PATTERN = /^([A-Z]{2,4})-(\d{2})(\d{2})(\d{2})-(\d{2})$/;

/** `RT`, `2026-05-11`, 2 → `RT-260511-02`. */
export function formatSessionId(initials: string, date: string, sequence: number): string {
  return `${idPrefix(initials, date)}${String(sequence).padStart(2, '0')}`;
}

/** The part every id of one operator and day shares: `RT-260511-`. */
export function idPrefix(initials: string, date: string): string {
  const [y, m, d] = date.split('-');
  return `${initials}-${y!.slice(2)}${m}${d}-`;
}

/** `RT-260511-02` → {initials: RT, date: 2026-05-11, sequence: 2}; null for legacy ids and garbage. */
export function parseSessionId(id: string): SessionId | null {
  const match = ID_PATTERN.exec(id);
  if (!match) return null;
  const date = parseDate(`20${match[2]}-${match[3]}-${match[4]}`);
  const sequence = Number(match[5]);
  if (date === null || sequence < 1) return null;
  return { initials: match[1]!, date, sequence };
}

/** Ids 01..99 in the order a claim tries them, minus those already known to be taken. */
export function planCandidates(initials: string, date: string, taken: ReadonlySet<string>): string[] {
  const ids: string[] = [];
  for (let n = 1; n <= MAX_SEQUENCE; n++) {
    const id = formatSessionId(initials, date, n);
    if (!taken.has(id)) ids.push(id);
  }
  return ids;
}

/** A real calendar date written YYYY-MM-DD, or null (`2026-02-30`, `26-05-11`, `tomorrow`). */
export function parseDate(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  // Ids carry two year digits and read them as 20xx.
  if (y < 2000 || y > 2099) return null;
  return match.slice(1, 4).join('-');
}

/**
 * The calendar date of `now` in `timeZone` (an IANA name from `TZ`), YYYY-MM-DD. A missing or
 * unknown zone (POSIX strings like `UTC0` that Intl does not read) falls back to the runtime's own
 * local time, which is what Node itself derives from `TZ`. `runtimeZone` is the TZ the runtime
 * started with: when it is `timeZone`, the runtime's local time is that zone's already.
 */
export function formatLocalDate(now: Date, timeZone: string | undefined, runtimeZone?: string): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  // Intl's first DateTimeFormat loads the zone data (tens of ms): not needed for UTC, nor when the
  // zone asked for is the runtime's own (`runtimeZone`, the process's TZ), whose local time Node keeps.
  if (timeZone !== undefined && UTC_ZONES.has(timeZone)) return `${now.getUTCFullYear()}-${pad(now.getUTCMonth() + 1)}-${pad(now.getUTCDate())}`;
  if (timeZone && !(timeZone === runtimeZone && !timeZone.startsWith(':'))) {
    try {
      const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timeZone.replace(/^:/, ''), year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
        now,
      );
      const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
      return `${get('year')}-${get('month')}-${get('day')}`;
    } catch {
      // fall through to the runtime's local date
    }
  }
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu']);

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90m`, `24h`, `7d`, `1h30m` → milliseconds; null when it is not an age. */
export function parseAge(value: string): number | null {
  const text = value.trim().toLowerCase();
  if (!/^(\d+(\.\d+)?[smhdw])+$/.test(text)) return null;
  let ms = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)) ms += Number(match[1]) * UNITS[match[2]!]!;
  return ms > 0 ? ms : null;
}

/** 93 minutes → `1h 33m`: for people reading gc's list. */
export function formatAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** A path inside iCloud Drive or a macOS FileProvider folder, where O_EXCL and rename are not atomic. */
export function isFileProviderPath(absolutePath: string): boolean {
  return /\/(Mobile Documents|Library\/CloudStorage)(\/|$)/.test(absolutePath.replace(/\\/g, '/'));
}

/**
 * Replace the session id `from` by `to` in the `## Session Log` section of a workstream body, as a
 * whole token only (`RT-260511-01` never matches inside `RT-260511-011`). Null when nothing changed.
 */
export function replaceInSessionLog(body: string, from: string, to: string): string | null {
  const lines = body.split('\n');
  const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const token = new RegExp(`(?<![A-Za-z0-9-])${escaped}(?![A-Za-z0-9])`, 'g');
  let inLog = false;
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^#{1,2}\s/.test(line)) inLog = /^##\s+Session Log\s*$/.test(line);
    else if (inLog && token.test(line)) {
      token.lastIndex = 0;
      lines[i] = line.replace(token, to);
      changed = true;
    }
    token.lastIndex = 0;
  }
  return changed ? lines.join('\n') : null;
}
