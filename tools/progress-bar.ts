/** Where a progress bar draws: stderr in real runs, a fake stream in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  /** One more item done; `item` names it on the bar. */
  tick(item?: string): void;
  /** Erase the bar, leaving the line clean for what comes next. */
  done(): void;
}

const NO_PROGRESS: Progress = { tick() {}, done() {} };

function filledOf(done: number, total: number, width: number): number {
  return total === 0 ? width : Math.round((done / total) * width);
}

function etaOf(done: number, total: number, elapsedMs: number): string {
  return done === 0 || done === total ? '' : ` ETA ${Math.ceil(((elapsedMs / done) * (total - done)) / 1000)}s`;
}

function formatProgress(label: string, done: number, total: number, elapsedMs: number, width: number, item = ''): string {
  const filled = filledOf(done, total, width);
  return `${label} [${'█'.repeat(filled)}${'·'.repeat(width - filled)}] ${done}/${total}${etaOf(done, total, elapsedMs)}${item ? ` ${item}` : ''}`;
}

/**
 * A one-line bar with ETA (`writing [█████·····] 512/1000 ETA 3s`), drawn only on a terminal and
 * only when the caller wants it (never under --json) and the job is big enough not to flicker.
 * It redraws only when what it shows changes, so a 10,000-file run writes a few hundred bytes.
 */
export function createProgress(
  label: string,
  total: number,
  options: { enabled: boolean; stream?: ProgressStream; now?: () => number; minItems?: number; status?: (elapsedMs: number) => string },
): Progress {
  const stream = options.stream ?? process.stderr;
  if (!options.enabled || stream.isTTY !== true || total < (options.minItems ?? 1)) return NO_PROGRESS;
  const now = options.now ?? Date.now;
  const start = now();
  const columns = Math.max(20, (stream.columns ?? 80) - 1);
  const width = Math.max(10, Math.min(30, columns - label.length - 2 * String(total).length - 20));
  let current = 0;
  let drawn = '';
  const draw = (item?: string) => {
    // Redraw when the bar, the ETA or the item changes (or at the end), not on every count.
    const elapsed = now() - start;
    const status = options.status?.(elapsed);
    const key = `${filledOf(current, total, width)}|${etaOf(current, total, elapsed)}|${item ?? ''}|${current === total}|${status ?? ''}`;
    if (key === drawn) return;
    drawn = key;
    // A caller's status (sync: requests spent and the ETA at the current pace) replaces the item ETA.
    const filled = filledOf(current, total, width);
    const line =
      status !== undefined
        ? `${label} [${'█'.repeat(filled)}${'·'.repeat(width - filled)}] ${current}/${total} ${status}${item ? ` ${item}` : ''}`
        : formatProgress(label, current, total, elapsed, width, item);
    stream.write(`\r\x1b[K${line.slice(0, columns)}`);
  };
  draw();
  return {
    tick(item) {
      current = Math.min(total, current + 1);
      draw(item);
    },
    done() {
      stream.write('\r\x1b[K');
    },
  };
}
