/** A one-line progress bar with ETA on an interactive stderr; silent everywhere else. */
export interface ProgressBar {
  tick(label?: string): void;
  done(): void;
}

export function formatProgress(done: number, total: number, elapsedMs: number, label = '', width = 24): string {
  const ratio = total === 0 ? 1 : done / total;
  const filled = Math.round(ratio * width);
  const eta = done === 0 ? '' : ` ETA ${Math.ceil(((elapsedMs / done) * (total - done)) / 1000)}s`;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}${eta} ${label}`.trimEnd();
}

export function createProgressBar(total: number, options: { enabled: boolean; stream?: NodeJS.WriteStream; now?: () => number }): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const start = now();
  let done = 0;
  const columns = () => Math.max(20, (stream.columns ?? 80) - 1);
  const draw = (label?: string) => {
    if (options.enabled) stream.write(`\r\x1b[K${formatProgress(done, total, now() - start, label).slice(0, columns())}`);
  };
  draw();
  return {
    tick(label) {
      done += 1;
      draw(label);
    },
    done() {
      if (options.enabled) stream.write('\r\x1b[K');
    },
  };
}
