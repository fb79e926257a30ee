/**
 * The line of any offset of `text`: line starts found once, each look-up a binary search (a note
 * with many findings or links must not split or rescan its text per finding). `line` is 0-based,
 * `start` is the offset where that line begins.
 */
export function lineIndex(text: string): (offset: number) => { line: number; start: number } {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, start: starts[lo]! };
  };
}
