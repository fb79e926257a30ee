// The fake Notion server's model of the page-markdown dialects: it parses what a client sends into
// blocks (stored like any other page content) and renders stored blocks back to markdown, the way
// Notion answers `GET /v1/pages/{id}/markdown`. Written independently of canon's converter, so a
// round-trip test (canon's output → store → retrieve) checks canon against this model.
//
// v1 ("enhanced markdown", the default of Notion-Version 2026-03-11, deprecated): one block per line,
// children one tab deeper; callouts as fenced divs (`::: callout {icon="💡" color="blue_bg"}` … `:::`,
// and the older `<callout icon=".." color="..">` tag), toggles as `<details><summary>`, tables as
// tab-indented `<table>` / `<tr>` / `<td>`.
// v2 ("Notion-flavored Markdown", the default of 2026-12-01, and what `markdown_version: "v2"` asks for
// on 2026-03-11): blocks separated by a blank line (a single newline does not start a block), tabs only
// for children of list items, tag forms (`<p>`, `<quote>`, `<toggle>`, `<callout …>`) for blocks with
// children, colours as attributes (`{color="…"}` is literal text).
// Both: `$$` equation blocks, `$…$` / $`…`$ inline equations, `![caption](url)` images and
// `<video|audio|file|pdf src="…">caption</…>` media, backslash escapes.
//
// Rendering NORMALISES, as Notion's does: a table says both header attributes (`header-row` and
// `header-column`), v2 puts the items of one list on consecutive lines (however they were spaced),
// v1 writes callouts as fenced divs whichever syntax came in. So what a client reads back is not
// always byte for byte what it sent. See docs/adr/0036-*.md for what is documented and what is modelled.

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

function equationItem(expression, style) {
  const item = richItem('', style);
  return { type: 'equation', equation: { expression }, annotations: item.annotations };
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

/** An inline equation at s[i] (`$…$` or $`…`$): [expression, end index] or null. */
function equationAt(s, i) {
  if (s[i] !== '$') return null;
  if (s[i + 1] === '`') {
    const run = /^`+/.exec(s.slice(i + 1))[0];
    const end = s.indexOf(`${run}$`, i + 1 + run.length);
    if (end < 0) return null;
    let expression = s.slice(i + 1 + run.length, end);
    if (expression.startsWith(' ') && expression.endsWith(' ') && expression.trim() !== '') expression = expression.slice(1, -1);
    return [expression, end + run.length];
  }
  if (!s[i + 1] || /\s|\$/.test(s[i + 1])) return null;
  for (let j = i + 2; j < s.length; j++) {
    if (s[j] === '$' && !/\s/.test(s[j - 1])) return [s.slice(i + 1, j), j];
  }
  return null;
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
    const equation = c === '$' && (i === 0 || /\s/.test(s[i - 1])) ? equationAt(s, i) : null;
    if (equation) {
      flush();
      out.push(equationItem(equation[0], style));
      i = equation[1];
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
    if (
      last &&
      !last.type &&
      !item.type &&
      JSON.stringify(last.annotations) === JSON.stringify(item.annotations) &&
      last.text.link?.url === item.text.link?.url
    ) {
      last.text.content += item.text.content;
    } else merged.push(item);
  }
  return merged;
}

function escapeText(text) {
  return text.replace(SPECIAL, (c) => `\\${c}`);
}

function guardLineStart(line) {
  return line.replace(/^(#{1,6}(?=\s|$)|[-+](?=\s|$)|\d+(?=[.)]\s|[.)]$)|-{3,}$|:{3,})/, (m) => (/^\d/.test(m) ? `${m}\\` : `\\${m}`));
}

/** Stored rich text → inline markdown, as Notion renders it. */
export function renderInline(items) {
  let out = '';
  for (const item of items) {
    const a = item.annotations ?? {};
    if (item.type === 'equation') {
      const expression = item.equation?.expression ?? '';
      const longest = Math.max(0, ...[...expression.matchAll(/`+/g)].map((m) => m[0].length));
      const ticks = '`'.repeat(longest + 1);
      const pad = expression.startsWith('`') || expression.endsWith('`') ? ' ' : '';
      out += wrap(`$${ticks}${pad}${expression}${pad}${ticks}$`, a);
      continue;
    }
    const text = item.plain_text ?? item.text?.content ?? '';
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

/** `name="value"` pairs of a tag or an attribute list. */
function attributes(text) {
  return Object.fromEntries([...text.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

function stripTab(line) {
  return line.startsWith('\t') ? line.slice(1) : line;
}

/** Lines from `i` on that are indented one tab deeper (blank lines among them included). */
function takeIndented(lines, i) {
  const taken = [];
  let j = i;
  while (j < lines.length) {
    if (lines[j].startsWith('\t')) taken.push(lines[j].slice(1));
    else if (
      lines[j].trim() === '' &&
      lines
        .slice(j + 1)
        .find((l) => l.trim() !== '')
        ?.startsWith('\t')
    )
      taken.push('');
    else break;
    j += 1;
  }
  return { taken, next: j };
}

/** The lines inside a tag opened at lines[i] (nested tags of the same name counted), and the line after it. */
function takeUntil(lines, i, open, close) {
  let depth = 0;
  for (let j = i; j < lines.length; j++) {
    const t = lines[j].trim();
    if (open.test(t)) depth += 1;
    if (close.test(t)) depth -= 1;
    if (depth === 0) return { inner: lines.slice(i + 1, j), next: j + 1 };
  }
  return { inner: lines.slice(i + 1), next: lines.length };
}

function isBlockStart(line) {
  return /^(#{1,6} |[-+] |- \[[ x]\] |\d+\. |> |>$|```|\$\$|<callout|<quote>|<toggle|<details|<p>|<p |<table|<(video|audio|file|pdf) |!\[|::: ?callout|---$)/.test(
    line,
  );
}

/** Parse page markdown in `dialect` into block requests (the shape `children` takes). */
export function parseBlocks(markdown, dialect) {
  return parseLines(markdown.replace(/\r\n?/g, '\n').split('\n'), dialect);
}

function leadAndChildren(blocks) {
  const first = blocks[0];
  if (first?.type === 'paragraph' && !first.paragraph.children) return { rich: first.paragraph.rich_text, children: blocks.slice(1) };
  return { rich: [], children: blocks };
}

const mediaData = (url, caption) => ({ type: 'external', external: { url }, caption: parseInline(caption) });

/** A block that is one line in both dialects (or a fenced run of lines), or null. */
function parseLeaf(lines, i) {
  const line = lines[i];
  const fence = /^(`{3,})(.*)$/.exec(line);
  if (fence) {
    let j = i + 1;
    while (j < lines.length && lines[j] !== fence[1]) j += 1;
    const content = lines.slice(i + 1, j).join('\n');
    return { node: block('code', { rich_text: content ? [{ text: { content } }] : [], language: fence[2].trim() || 'plain text' }), next: j + 1 };
  }
  if (line.trim() === '$$') {
    let j = i + 1;
    while (j < lines.length && lines[j].trim() !== '$$') j += 1;
    return { node: block('equation', { expression: lines.slice(i + 1, j).join('\n') }), next: j + 1 };
  }
  let m;
  if ((m = /^<(video|audio|file|pdf)\s+src="([^"]*)"[^>]*>(.*)<\/\1>$/.exec(line))) return { node: block(m[1], mediaData(m[2], m[3])), next: i + 1 };
  if ((m = /^!\[(.*)\]\((\S+)\)$/.exec(line))) return { node: block('image', mediaData(decodeURI(m[2]), m[1])), next: i + 1 };
  if ((m = /^<table\b([^>]*)>/.exec(line))) {
    const { inner, next } = takeUntil(lines, i, /^<table\b/, /^<\/table>$/);
    const rows = [];
    let cells = null;
    for (const raw of inner.map((l) => l.trim())) {
      if (raw === '<tr>' || raw.startsWith('<tr ')) cells = [];
      else if (raw === '</tr>') {
        rows.push(cells ?? []);
        cells = null;
      } else if (/^<td\b[^>]*>.*<\/td>$/.test(raw)) cells?.push(parseInline(raw.replace(/^<td\b[^>]*>/, '').slice(0, -5)));
    }
    const attrs = attributes(m[1]);
    const width = Math.max(1, ...rows.map((r) => r.length));
    const children = rows.map((r) => block('table_row', { cells: Array.from({ length: width }, (_, c) => r[c] ?? []) }));
    return {
      node: block(
        'table',
        { table_width: width, has_column_header: attrs['header-row'] === 'true', has_row_header: attrs['header-column'] === 'true' },
        children,
      ),
      next,
    };
  }
  if ((m = /^(#{1,6}) (.*)$/.exec(line))) return { node: block(`heading_${Math.min(4, m[1].length)}`, { rich_text: parseInline(m[2]) }), next: i + 1 };
  if (line === '---') return { node: block('divider', {}), next: i + 1 };
  return null;
}

/** A list item or v1 quote's own line: [type, data] or null. */
function parseItem(line) {
  let m;
  if ((m = /^- \[([ x])\] ?(.*)$/.exec(line))) return ['to_do', { rich_text: parseInline(m[2]), checked: m[1] === 'x' }];
  if (/^[-+]( |$)/.test(line)) return ['bulleted_list_item', { rich_text: parseInline(line.slice(2)) }];
  if ((m = /^\d+\. ?(.*)$/.exec(line))) return ['numbered_list_item', { rich_text: parseInline(m[1]) }];
  return null;
}

function parseLines(lines, dialect) {
  return dialect === 'v1' ? parseV1(lines) : parseV2(lines);
}

function parseV1(lines) {
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '' || line.trim() === '<empty-block/>') {
      i += 1;
      continue;
    }
    const leaf = parseLeaf(lines, i);
    if (leaf) {
      out.push(leaf.node);
      const rest = takeIndented(lines, leaf.next);
      out.push(...(rest.taken.length ? parseV1(rest.taken) : []));
      i = rest.next;
      continue;
    }
    let m;
    if ((m = /^:{3,} ?callout\b(.*)$/.exec(line))) {
      // Pandoc-style fenced div: the first line inside is the callout's text, the rest its children.
      let depth = 1;
      let j = i + 1;
      for (; j < lines.length; j++) {
        if (/^:{3,} ?\w/.test(lines[j])) depth += 1;
        else if (/^:{3,}\s*$/.test(lines[j]) && --depth === 0) break;
      }
      const attrs = attributes(m[1]);
      const { rich, children } = leadAndChildren(parseV1(lines.slice(i + 1, j)));
      out.push(block('callout', { rich_text: rich, icon: { type: 'emoji', emoji: attrs.icon ?? '💡' }, color: attrs.color ?? 'default' }, children));
      i = j + 1;
      continue;
    }
    if (line.startsWith('<callout')) {
      const { inner, next } = takeUntil(lines, i, /^<callout\b/, /^<\/callout>$/);
      const attrs = attributes(line);
      const { rich, children } = leadAndChildren(parseV1(inner.map(stripTab)));
      out.push(block('callout', { rich_text: rich, icon: { type: 'emoji', emoji: attrs.icon ?? '💡' }, color: attrs.color ?? 'default' }, children));
      i = next;
      continue;
    }
    if (line.startsWith('<details')) {
      const { inner, next } = takeUntil(lines, i, /^<details\b/, /^<\/details>$/);
      const attrs = attributes(line);
      const summary = /^<summary>(.*)<\/summary>$/.exec(inner[0]?.trim() ?? '');
      const body = summary ? inner.slice(1) : inner;
      out.push(block('toggle', { rich_text: parseInline(summary?.[1] ?? ''), color: attrs.color ?? 'default' }, parseV1(body.map(stripTab))));
      i = next;
      continue;
    }
    const { taken, next } = takeIndented(lines, i + 1);
    const children = taken.length ? parseV1(taken) : [];
    const item = parseItem(line);
    if (item) out.push(block(item[0], item[1], children));
    else if ((m = /^> ?(.*)$/.exec(line))) out.push(block('quote', { rich_text: parseInline(m[1]) }, children));
    else out.push(block('paragraph', { rich_text: parseInline(line) }, children));
    i = next;
  }
  return out;
}

/** v2: a tag form's inside, its first paragraph the block's own text. */
function taggedV2(lines, i, name) {
  const { inner, next } = takeUntil(lines, i, new RegExp(`^<${name}\\b`), new RegExp(`^</${name}>$`));
  return { ...leadAndChildren(parseV2(inner)), attrs: attributes(lines[i]), next };
}

function parseV2(lines) {
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '' || line.trim() === '<empty-block/>') {
      i += 1;
      continue;
    }
    const leaf = parseLeaf(lines, i);
    if (leaf) {
      out.push(leaf.node);
      i = leaf.next;
      continue;
    }
    let m;
    if ((m = /^<(quote|callout|toggle|p)\b[^>]*>$/.exec(line))) {
      const { rich, children, attrs, next } = taggedV2(lines, i, m[1]);
      const color = attrs.color ?? 'default';
      if (m[1] === 'quote') out.push(block('quote', { rich_text: rich, color }, children));
      else if (m[1] === 'toggle') out.push(block('toggle', { rich_text: rich, color }, children));
      else if (m[1] === 'p') out.push(block('paragraph', { rich_text: rich, color }, children));
      else out.push(block('callout', { rich_text: rich, icon: { type: 'emoji', emoji: attrs.icon ?? '💡' }, color }, children));
      i = next;
      continue;
    }
    const item = parseItem(line);
    if (item) {
      const { taken, next } = takeIndented(lines, i + 1);
      out.push(block(item[0], item[1], taken.length ? parseV2(taken) : []));
      i = next;
      continue;
    }
    if ((m = /^> ?(.*)$/.exec(line))) {
      out.push(block('quote', { rich_text: parseInline(m[1]) }));
      i += 1;
      continue;
    }
    // A paragraph runs on to the next blank line or block start: a single newline starts no block.
    let text = line;
    let j = i + 1;
    while (j < lines.length && lines[j].trim() !== '' && !isBlockStart(lines[j]) && !lines[j].startsWith('\t')) {
      text += `<br>${lines[j]}`;
      j += 1;
    }
    out.push(block('paragraph', { rich_text: parseInline(text) }));
    i = j;
  }
  return out;
}

// ---------------------------------------------------------------- blocks: render

/** Render stored blocks ({type, data, children}) as page markdown in `dialect`, normalised as Notion does. */
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
    case 'equation':
      return ['$$', ...(d.expression ?? '').split('\n'), '$$'];
    case 'image':
      return [`![${renderInline(d.caption ?? [])}](${d.external?.url ?? d.file?.url ?? ''})`];
    case 'video':
    case 'audio':
    case 'file':
    case 'pdf':
      return [`<${node.type} src="${d.external?.url ?? d.file?.url ?? ''}">${renderInline(d.caption ?? [])}</${node.type}>`];
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
  const flag = (value) => (value ? 'true' : 'false');
  return [`<table header-row="${flag(node.data.has_column_header)}" header-column="${flag(node.data.has_row_header)}">`, ...body, '</table>'];
}

const tab = (lines) => lines.map((l) => (l === '' ? l : `\t${l}`));
const colorAttr = (data) => (data.color && data.color !== 'default' ? ` color="${data.color}"` : '');

function renderV1(nodes) {
  return nodes.flatMap((node, i) => {
    const children = renderV1(node.children);
    if (node.type === 'table') return tableLines(node, 'v1');
    if (node.type === 'callout') {
      const text = renderInline(node.data.rich_text ?? []);
      return [
        `::: callout {icon="${node.data.icon?.emoji ?? ''}" color="${node.data.color ?? 'default'}"}`,
        ...(text ? [guardLineStart(text)] : []),
        ...children,
        ':::',
      ];
    }
    if (node.type === 'toggle')
      return [`<details${colorAttr(node.data)}>`, `<summary>${renderInline(node.data.rich_text ?? [])}</summary>`, ...tab(children), '</details>'];
    return [...ownLines(node, i, nodes), ...tab(children)];
  });
}

function renderV2(nodes) {
  let out = '';
  nodes.forEach((node, i) => {
    // Normalised spacing: the items of one list on consecutive lines, every other boundary a blank line.
    const glue = i === 0 ? '' : LIST_TYPES.has(node.type) && LIST_TYPES.has(nodes[i - 1].type) ? '\n' : '\n\n';
    out += glue + renderOneV2(node, i, nodes);
  });
  return out;
}

function renderOneV2(node, i, nodes) {
  if (node.type === 'table') return tableLines(node, 'v2').join('\n');
  const tagged = (open, close) => {
    const text = renderInline(node.data.rich_text ?? []);
    const inner = [text ? guardLineStart(text) : '', node.children.length ? renderV2(node.children) : ''].filter(Boolean).join('\n\n');
    return `${open}\n${inner}\n${close}`;
  };
  if (LIST_TYPES.has(node.type)) {
    const own = ownLines(node, i, nodes).join('\n');
    return node.children.length ? `${own}\n${tab(renderV2(node.children).split('\n')).join('\n')}` : own;
  }
  if (node.type === 'callout') return tagged(`<callout icon="${node.data.icon?.emoji ?? ''}" color="${node.data.color ?? 'default'}">`, '</callout>');
  if (node.type === 'toggle') return tagged(`<toggle${colorAttr(node.data)}>`, '</toggle>');
  if (node.type === 'quote' && node.children.length) return tagged(`<quote${colorAttr(node.data)}>`, '</quote>');
  if (node.type === 'paragraph' && node.children.length) return tagged(`<p${colorAttr(node.data)}>`, '</p>');
  return ownLines(node, i, nodes).join('\n');
}

/** The dialects a Notion-Version takes in `markdown_version`, and the one it uses without it. */
export const MARKDOWN_VERSIONS = {
  '2026-03-11': { default: 'v1', accepts: ['v1', 'v2'] },
  '2026-12-01': { default: 'v2', accepts: ['v2'] },
};
