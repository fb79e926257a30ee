/** Sentences about characters a terminal acts on (ADR-0023): the commit door's and handoff's refusals. */
export const textMessages = {
  /** `where` is "" for a frontmatter value (the issue names its key), else "the body " or "a front matter comment ". */
  control: (where: string, char: string, escape: string | null, more: number) =>
    `${where}holds ${char}${escape === null ? '' : `, written as the YAML escape "${escape}"`}, a control character a terminal acts on instead of showing (ESC starts the sequences that clear, recolour or retitle a screen)${more > 0 ? `, and ${more} more on this line` : ''}; delete it`,
  bidi: (where: string, char: string, escape: string | null, more: number) =>
    `${where}holds ${char}${escape === null ? '' : `, written as the YAML escape "${escape}"`}, a bidi control that makes text display in another order than it is stored${more > 0 ? `, and ${more} more on this line` : ''}; delete it (right-to-left text may use U+200F RIGHT-TO-LEFT MARK)`,
  moreLines: (where: string, lines: number) =>
    `${where === '' ? 'this value' : where.trim()} holds control or bidi characters on ${lines} more line(s) from here; delete them`,
  where: {
    body: 'the body ',
    comment: 'a front matter comment ',
  },
  handoff: {
    /** `field` is `--title`, or `"title" in draft.json`. */
    refused: (field: string, char: string, position: string, bidi: boolean) =>
      `${field} holds ${char} at ${position}, ${bidi ? 'a bidi control that makes text display in another order than it is stored' : 'a control character a terminal acts on instead of showing'}.`,
    position: (at: { line: number; column: number; multiline: boolean }) => (at.multiline ? `line ${at.line}, column ${at.column}` : `character ${at.column}`),
    hint: 'Give the text without it. Nothing was claimed or written.',
  },
};
