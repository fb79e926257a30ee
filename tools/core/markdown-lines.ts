/** `## Heading ##` → level marks and text; headings inside fenced code are blanked by proseLines first. */
export const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;

/** Lines of the body outside fenced code blocks (fenced lines become empty, so indexes still match). */
export function proseLines(body: string): string[] {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of body.split('\n')) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker) {
      if (fence === null) fence = marker[0]!;
      else if (marker[0] === fence) fence = null;
      out.push('');
      continue;
    }
    out.push(fence === null ? line : '');
  }
  return out;
}

/** An inline link's or reference definition's destination that is a URL (`https:`, `mailto:`) or an anchor: nothing to check. */
const RELATIVE_DESTINATION = /\]\(\s*(?!\s)<?(?![a-z][a-z0-9+.-]*:|#)|^ {0,3}\[[^\]\n]+\]:[ \t]*(?![ \t])<?(?![a-z][a-z0-9+.-]*:|#)/im;

/**
 * Cheap test before parsing anything (most notes hold no link to check): false means the body has
 * no wikilink and no inline link or reference definition to a relative path — links to URLs and
 * anchors need no check — so the markdown parser need not even load.
 */
export function mayHoldLinks(body: string): boolean {
  return body.includes('[[') || RELATIVE_DESTINATION.test(body);
}
