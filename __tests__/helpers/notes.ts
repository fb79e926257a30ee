/** Small builders for note files used across tests. */
export function frontmatter(data: Record<string, string | number | null | string[]>, body = '## Summary\n\nSomething shipped.\n'): string {
  const lines = Object.entries(data).map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : v === null ? 'null' : v}`);
  return `---\n${lines.join('\n')}\n---\n${body}`;
}

export function sessionNote(id: string, extra: Record<string, string | number | null | string[]> = {}, body?: string): string {
  return frontmatter(
    { title: `Session ${id}`, operator: 'roman', summary: `Work of ${id}.`, kind: 'session', external_id: id, date: '2026-05-11', ...extra },
    body,
  );
}

export function workstreamNote(slug: string, extra: Record<string, string | number | null | string[]> = {}): string {
  return frontmatter(
    { title: `Workstream ${slug}`, owner: 'roman', status: 'active', kind: 'workstream', external_id: `WS-${slug}`, ...extra },
    '## Goal\n\nA goal.\n\n## Session Log\n',
  );
}
