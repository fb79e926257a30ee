// The fake Notion server's model of the page-markdown dialects: it parses what a client sends into
// blocks (stored like any other page content) and renders stored blocks back to markdown, the way
// Notion answers `GET /v1/pages/{id}/markdown`. Written independently of canon's converter, so a
// round-trip test (canon's output → store → retrieve) checks canon against this model.
//
// v1 ("enhanced markdown", default of Notion-Version 2026-03-11): one block per line, children one
// tab deeper; v2 ("Notion-flavored Markdown", default of 2026-12-01): blocks separated by a blank
// line, tabs only for children of list items, tag forms (<quote>, <callout>) for blocks with
// children. Both: `<table>` / `<tr>` / `<td>`, `<callout icon=".." color="..">`, backslash escapes.
// See docs/adr/0012-notion-markdown-sync.md for what is documented and what is modelled.

const SPECIAL = /[\\*~`$[\]<>{}|^]/g;
const LIST_TYPES = new Set(['bulleted_list_item', 'numbered_list_item', 'to_do']);

// ---------------------------------------------------------------- inline

function richItem(content, style) {
  const annotations = {};
  if (style.bold) annotations.bold = true;
  if (style.italic) annotations.italic = true;
  if (style.strike) annotations.strikethrough = true;
  if (style.code) annotations.code = true;
  return { text: { content, ...(style.link ? { link: { url: style.link } } : {}) }, annotations };
}

/** Index of the closing delimiter for an opener at `from`, skipping escapes, code and nested pairs. */
function findClose(s, from, delim) {
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i += 1;
      continue;
    }
    if (c === '`') {
      const run = /^`+/.exec(s.slice(i))[0];
      const end = s.indexOf(run, i + run.length);
      if (end > 0) i = end + run.length - 1;
      continue;
    }
    if (s.startsWith(delim, i)) {
      if (delim === '*' && s[i + 1] === '*') {
        i += 1;
        continue;
      }
      // `***` closing `**…*x*`: the inner `*` closes first, so the pair is the run's last two.
      let run = 0;
      while (s[i + run] === delim[0]) run += 1;
      return delim.length === 2 && run > 2 ? i + run - 2 : i;
    }
  }
  return -1;
}

function parseInlineInto(s, style, out) {
  let text = '';
  const flush = () => {
    if (text) out.push(richItem(text, style));
    text = '';
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      text += s[i + 1];
      i += 1;
      continue;
    }
    if (s.startsWith('<br>', i)) {
      text += '\n';
      i += 3;
      continue;
    }
    if (c === '`') {
      const run = /^`+/.exec(s.slice(i))[0];
      const end = s.indexOf(run, i + run.length);
      if (end > 0) {
        flush();
        let code = s.slice(i + run.length, end);
        if (code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '') code = code.slice(1, -1);
        out.push(richItem(code, { ...style, code: true }));
        i = end + run.length - 1;
        continue;
      }
    }
    if (c === '[') {
      const close = findClose(s, i + 1, '](');
      const end = close > 0 ? s.indexOf(')', close + 2) : -1;
      if (close > 0 && end > 0) {
        flush();
        parseInlineInto(s.slice(i + 1, close), { ...style, link: decodeURI(s.slice(close + 2, end)) }, out);
        i = end;
        continue;
      }
    }
    let matched = false;
    for (const [delim, key] of [
      ['**', 'bold'],
      ['~~', 'strike'],
      ['*', 'italic'],
    ]) {
      if (!s.startsWith(delim, i)) continue;
      const close = findClose(s, i + delim.length, delim);
      if (close <= i + delim.length) continue;
      flush();
      parseInlineInto(s.slice(i + delim.length, close), { ...style, [key]: true }, out);
      i = close + delim.length - 1;
      matched = true;
      break;
    }
    if (!matched) text += c;
  }
  flush();
}

/** Inline Notion markdown → rich text request items (merged, like Notion stores them). */
export function parseInline(s) {
  const out = [];
  parseInlineInto(s, {}, out);
  const merged = [];
  for (const item of out) {
    const last = merged.at(-1);
    if (last && JSON.stringify(last.annotations) === JSON.stringify(item.annotations) && last.text.link?.url === item.text.link?.url) {
      last.text.content += item.text.content;
    } else merged.push(item);
  }
  return merged;
}

function escapeText(text) {
  return text.replace(SPECIAL, (c) => `\\${c}`);
}

function guardLineStart(line) {
  return line.replace(/^(#{1,6}(?=\s|$)|[-+](?=\s|$)|\d+(?=[.)]\s|[.)]$)|-{3,}$)/, (m) => (/^\d/.test(m) ? `${m}\\` : `\\${m}`));
}

/** Stored rich text → inline markdown, as Notion renders it. */
export function renderInline(items) {
  let out = '';
  for (const item of items) {
    const text = item.plain_text ?? item.text?.content ?? '';
    const a = item.annotations ?? {};
    const link = item.href ?? item.text?.link?.url ?? null;
    if (text === '\n') {
      out += '<br>';
      continue;
    }
    let piece;
    if (a.code) {
      const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
      const ticks = '`'.repeat(longest + 1);
      const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
      piece = wrap(`${ticks}${pad}${text}${pad}${ticks}`, a);
      out += link ? `[${piece}](${link})` : piece;
      continue;
    }
    const lead = /^\s*/.exec(text)[0];
    const trail = /\s*$/.exec(text.slice(lead.length))[0];
    const core = text.slice(lead.length, text.length - trail.length);
    if (core === '') {
      out += text.replace(/\n/g, '<br>');
      continue;
    }
    const br = (t) => t.replace(/\n/g, '<br>');
    piece = wrap(br(escapeText(core)), a);
    if (link) piece = `[${piece}](${link})`;
    out += `${br(lead)}${piece}${br(trail)}`;
  }
  return out.trim();
}

function wrap(text, a) {
  let out = text;
  if (a.italic) out = `*${out}*`;
  if (a.bold) out = `**${out}**`;
  if (a.strikethrough) out = `~~${out}~~`;
  return out;
}

// ---------------------------------------------------------------- blocks: parse

const block = (type, data, children = []) => ({ type, [type]: { ...data, ...(children.length ? { children } : {}) } });

function stripTab(line) {
  return line.startsWith('\t') ? line.slice(1) : line;
}

/** Lines after `i` that are indented one tab deeper (blank lines inside them included). */
function takeIndented(lines, i) {
  const taken = [];
  let j = i;
  while (j < lines.length) {
    if (lines[j].startsWith('\t')) taken.push(lines[j].slice(1));
    else if (lines[j] === '' && lines[j + 1]?.startsWith('\t')) taken.push('');
    else break;
    j += 1;
  }
  return { taken, next: j };
}

function takeUntil(lines, i, open, close) {
  let depth = 0;
  for (let j = i; j < lines.length; j++) {
    const t = lines[j].trim();
    if (t.startsWith(open)) depth += 1;
    if (t === close) depth -= 1;
    if (depth === 0) return { inner: lines.slice(i + 1, j), next: j + 1 };
  }
  return { inner: lines.slice(i + 1), next: lines.length };
}

function isBlockStart(line) {
  return /^(#{1,6} |[-+] |- \[[ x]\] |\d+\. |> |>$|```|<callout|<quote>|<table|---$)/.test(line);
}

/** Parse page markdown in `dialect` into block requests (the shape `children` takes). */
export function parseBlocks(markdown, dialect) {
  return parseLines(markdown.replace(/\r\n?/g, '\n').split('\n'), dialect);
}

function leadAndChildren(blocks) {
  const first = blocks[0];
  if (first?.type === 'paragraph') return { rich: first.paragraph.rich_text, children: blocks.slice(1) };
  return { rich: [], children: blocks };
}

function parseLines(lines, dialect) {
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '') {
      i += 1;
      continue;
    }
    const fence = /^(`{3,})(.*)$/.exec(line);
    if (fence) {
      let j = i + 1;
      while (j < lines.length && lines[j] !== fence[1]) j += 1;
      const content = lines.slice(i + 1, j).join('\n');
      out.push(block('code', { rich_text: content ? [{ text: { content } }] : [], language: fence[2].trim() || 'plain text' }));
      i = j + 1;
      continue;
    }
    if (line.startsWith('<callout')) {
      const { inner, next } = takeUntil(lines, i, '<callout', '</callout>');
      const attrs = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      const parsed = parseLines(dialect === 'v1' ? inner.map(stripTab) : inner, dialect);
      const { rich, children } = leadAndChildren(parsed);
      out.push(block('callout', { rich_text: rich, icon: { type: 'emoji', emoji: attrs.icon ?? '💡' }, color: attrs.color ?? 'default' }, children));
      i = next;
      continue;
    }
    if (line === '<quote>' && dialect === 'v2') {
      const { inner, next } = takeUntil(lines, i, '<quote>', '</quote>');
      const { rich, children } = leadAndChildren(parseLines(inner, dialect));
      out.push(block('quote', { rich_text: rich }, children));
      i = next;
      continue;
    }
    if (line.startsWith('<table')) {
      const { inner, next } = takeUntil(lines, i, '<table', '</table>');
      const rows = [];
      let cells = null;
      for (const raw of inner.map((l) => l.trim())) {
        if (raw === '<tr>') cells = [];
        else if (raw === '</tr>') {
          rows.push(cells ?? []);
          cells = null;
        } else if (raw.startsWith('<td>') && raw.endsWith('</td>')) cells?.push(parseInline(raw.slice(4, -5)));
      }
      const width = Math.max(1, ...rows.map((r) => r.length));
      const children = rows.map((r) => block('table_row', { cells: Array.from({ length: width }, (_, c) => r[c] ?? []) }));
      out.push(block('table', { table_width: width, has_column_header: /header-row="true"/.test(line), has_row_header: false }, children));
      i = next;
      continue;
    }
    const { taken, next } = takeIndented(lines, i + 1);
    const children = taken.length ? parseLines(taken, dialect) : [];
    let m;
    if ((m = /^(#{1,6}) (.*)$/.exec(line))) {
      out.push(block(`heading_${Math.min(4, m[1].length)}`, { rich_text: parseInline(m[2]) }));
      out.push(...children);
      i = next;
    } else if (line === '---') {
      out.push(block('divider', {}));
      i += 1;
    } else if ((m = /^- \[([ x])\] ?(.*)$/.exec(line))) {
      out.push(block('to_do', { rich_text: parseInline(m[2]), checked: m[1] === 'x' }, children));
      i = next;
    } else if ((m = /^[-+] ?(.*)$/.exec(line)) && /^[-+]( |$)/.test(line)) {
      out.push(block('bulleted_list_item', { rich_text: parseInline(m[1]) }, children));
      i = next;
    } else if ((m = /^\d+\. ?(.*)$/.exec(line))) {
      out.push(block('numbered_list_item', { rich_text: parseInline(m[1]) }, children));
      i = next;
    } else if ((m = /^> ?(.*)$/.exec(line))) {
      out.push(block('quote', { rich_text: parseInline(m[1]) }, dialect === 'v1' ? children : []));
      if (dialect !== 'v1') out.push(...children);
      i = next;
    } else {
      // A paragraph: v1 ends it at the line's end; v2 runs on to the next blank line or block start.
      let text = line;
      let j = i + 1;
      if (dialect === 'v2') {
        while (j < lines.length && lines[j].trim() !== '' && !isBlockStart(lines[j]) && !lines[j].startsWith('\t')) {
          text += `\n${lines[j]}`;
          j += 1;
        }
      }
      const rest = dialect === 'v1' ? takeIndented(lines, i + 1) : takeIndented(lines, j);
      const kids = rest.taken.length ? parseLines(rest.taken, dialect) : [];
      out.push(block('paragraph', { rich_text: parseInline(text.split('\n').join('<br>')) }, kids));
      i = rest.next;
    }
  }
  return out;
}

// ---------------------------------------------------------------- blocks: render

/** Render stored blocks ({type, data, children}) as page markdown in `dialect`. */
export function renderBlocks(nodes, dialect) {
  const text = dialect === 'v1' ? renderV1(nodes).join('\n') : renderV2(nodes);
  return nodes.length ? `${text}\n` : '';
}

function ownLines(node, index, siblings) {
  const d = node.data;
  const inline = () => renderInline(d.rich_text ?? []);
  switch (node.type) {
    case 'paragraph':
      return [guardLineStart(inline())];
    case 'heading_1':
    case 'heading_2':
    case 'heading_3':
    case 'heading_4':
      return [`${'#'.repeat(Number(node.type.slice(-1)))} ${inline()}`];
    case 'bulleted_list_item':
      return [`- ${inline()}`.trimEnd()];
    case 'numbered_list_item': {
      let n = 1;
      for (let k = index - 1; k >= 0 && siblings[k].type === 'numbered_list_item'; k--) n += 1;
      return [`${n}. ${inline()}`.trimEnd()];
    }
    case 'to_do':
      return [`- [${d.checked ? 'x' : ' '}] ${inline()}`.trimEnd()];
    case 'quote':
      return [`> ${inline()}`.trimEnd()];
    case 'divider':
      return ['---'];
    case 'code': {
      const content = (d.rich_text ?? []).map((t) => t.plain_text ?? t.text?.content ?? '').join('');
      const longest = Math.max(2, ...[...content.matchAll(/^`{3,}/gm)].map((m) => m[0].length));
      const fence = '`'.repeat(longest + 1);
      return [`${fence}${d.language ?? 'plain text'}`, ...content.split('\n'), fence];
    }
    default:
      return [guardLineStart(inline())];
  }
}

function tableLines(node, dialect) {
  const rows = node.children.flatMap((row) => ['<tr>', ...row.data.cells.map((cell) => `<td>${renderInline(cell)}</td>`), '</tr>']);
  const body = dialect === 'v1' ? rows.map((l) => (l === '<tr>' || l === '</tr>' ? `\t${l}` : `\t\t${l}`)) : rows;
  return [`<table header-row="${node.data.has_column_header ? 'true' : 'false'}">`, ...body, '</table>'];
}

const tab = (lines) => lines.map((l) => (l === '' ? l : `\t${l}`));

function renderV1(nodes) {
  return nodes.flatMap((node, i) => {
    const children = renderV1(node.children);
    if (node.type === 'table') return tableLines(node, 'v1');
    if (node.type === 'callout') {
      const open = `<callout icon="${node.data.icon?.emoji ?? ''}" color="${node.data.color ?? 'default'}">`;
      const text = renderInline(node.data.rich_text ?? []);
      return [open, ...tab([...(text ? [guardLineStart(text)] : []), ...children]), '</callout>'];
    }
    return [...ownLines(node, i, nodes), ...tab(children)];
  });
}

function renderV2(nodes) {
  let out = '';
  nodes.forEach((node, i) => {
    const glue = i === 0 ? '' : LIST_TYPES.has(node.type) && LIST_TYPES.has(nodes[i - 1].type) ? '\n' : '\n\n';
    out += glue + renderOneV2(node, i, nodes);
  });
  return out;
}

function renderOneV2(node, i, nodes) {
  if (node.type === 'table') return tableLines(node, 'v2').join('\n');
  if (LIST_TYPES.has(node.type)) {
    const own = ownLines(node, i, nodes).join('\n');
    return node.children.length ? `${own}\n${tab(renderV2(node.children).split('\n')).join('\n')}` : own;
  }
  if (node.type === 'callout') {
    const open = `<callout icon="${node.data.icon?.emoji ?? ''}" color="${node.data.color ?? 'default'}">`;
    const text = renderInline(node.data.rich_text ?? []);
    const inner = [text ? guardLineStart(text) : '', node.children.length ? renderV2(node.children) : ''].filter(Boolean).join('\n\n');
    return `${open}\n${inner}\n</callout>`;
  }
  if (node.type === 'quote' && node.children.length) {
    const inner = [renderInline(node.data.rich_text ?? []), renderV2(node.children)].filter(Boolean).join('\n\n');
    return `<quote>\n${inner}\n</quote>`;
  }
  const own = ownLines(node, i, nodes).join('\n');
  return node.children.length ? `${own}\n\n${renderV2(node.children)}` : own;
}
