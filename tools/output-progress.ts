/** Where a progress bar draws: stderr in real runs, a fake stream in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  tick(count?: number): void;
  /** Erase the bar, leaving the line clean for what comes next. */
  done(): void;
}

const NO_PROGRESS: Progress = { tick() {}, done() {} };

/** Below this many items a bar would only flicker. */
export const PROGRESS_MIN_ITEMS = 100;

/**
 * A one-line bar on a terminal (`label [█████·····] 512/1000`), redrawn only when the drawn width
 * changes so a 10,000-file run writes a few hundred bytes, not 10,000 lines. Off unless the stream
 * is a TTY and the caller wants it (never under --json), and for small jobs.
 */
export function createProgress(label: string, total: number, options: { enabled: boolean; stream: ProgressStream }): Progress {
  const { stream } = options;
  if (!options.enabled || stream.isTTY !== true || total < PROGRESS_MIN_ITEMS) return NO_PROGRESS;
  const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 2 * String(total).length - 6));
  let current = 0;
  let drawn = -1;
  const draw = () => {
    const filled = Math.round((current / total) * width);
    const key = filled * 1e9 + (current === total ? 1 : 0);
    if (key === drawn) return;
    drawn = key;
    stream.write(`\r${label} [${'█'.repeat(filled)}${'·'.repeat(width - filled)}] ${current}/${total}`);
  };
  draw();
  return {
    tick(count = 1) {
      current = Math.min(total, current + count);
      draw();
    },
    done() {
      stream.write('\r\x1b[K');
    },
  };
}
