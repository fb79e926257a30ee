// A local fake of the Anthropic Messages API for the real-client tests (Claude Code pointed at it with
// ANTHROPIC_BASE_URL). It answers `POST /v1/messages` with streamed SSE (or JSON when not streamed)
// from scripted turns, `POST /v1/messages/count_tokens` with a token count, and anything else with a
// plain text reply. Every request body is kept, so tests can assert on what the client sent (the
// SessionStart context, the expanded /handoff command).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Block = { type: 'text'; text: string } | { type: 'tool_use'; name: string; input: Record<string, unknown> };

export interface Conversation {
  /** The parsed request body. */
  body: { model?: string; stream?: boolean; messages?: Array<{ role: string; content: unknown }>; system?: unknown };
  /** The text of the first user message (all its text blocks): where the prompt and its markers are. */
  first: string;
  /** How many assistant turns the conversation already has: the script's step. */
  turn: number;
  /** The whole request body as text. */
  raw: string;
}

/** Returns this request's reply, or null when the request is not this script's. */
export type Script = (conversation: Conversation) => Block[] | null;

export interface FakeAnthropic {
  url: string;
  requests: Array<{ path: string; raw: string }>;
  /** Scripts are tried in the order added; the first that answers wins. */
  script(script: Script): void;
  close(): Promise<void>;
}

/** The text of a message's content: its text blocks and tool results, joined. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block: { type?: string; text?: unknown; content?: unknown }) =>
      block.type === 'text' && typeof block.text === 'string' ? block.text : block.type === 'tool_result' ? textOf(block.content) : '',
    )
    .join('\n');
}

export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  const scripts: Script[] = [];
  const requests: FakeAnthropic['requests'] = [];
  let ids = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = req.url ?? '/';
      requests.push({ path: url, raw });
      if (req.method !== 'POST') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
        return;
      }
      if (url.startsWith('/v1/messages/count_tokens')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ input_tokens: 100 }));
        return;
      }
      if (!url.startsWith('/v1/messages')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `no ${url} here` } }));
        return;
      }
      let body: Conversation['body'];
      try {
        body = JSON.parse(raw) as Conversation['body'];
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'not JSON' } }));
        return;
      }
      const messages = body.messages ?? [];
      const conversation: Conversation = {
        body,
        first: textOf(messages.find((m) => m.role === 'user')?.content),
        turn: messages.filter((m) => m.role === 'assistant').length,
        raw,
      };
      let blocks: Block[] | null = null;
      for (const script of scripts) {
        blocks = script(conversation);
        if (blocks !== null) break;
      }
      blocks ??= [{ type: 'text', text: 'ok' }];
      const content = blocks.map((b) =>
        b.type === 'text' ? b : { type: 'tool_use', id: `toolu_${String(++ids).padStart(6, '0')}`, name: b.name, input: b.input },
      );
      const stopReason = content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
      const message = {
        id: `msg_${++ids}`,
        type: 'message',
        role: 'assistant',
        model: body.model ?? 'claude-test',
        content: [] as unknown[],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 100, output_tokens: 1 },
      };
      if (!body.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ...message, content, stop_reason: stopReason, usage: { input_tokens: 100, output_tokens: 10 } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const event = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
      event('message_start', { message });
      content.forEach((block, index) => {
        if (block.type === 'text') {
          event('content_block_start', { index, content_block: { type: 'text', text: '' } });
          event('content_block_delta', { index, delta: { type: 'text_delta', text: (block as { text: string }).text } });
        } else {
          const tool = block as { id: string; name: string; input: unknown };
          event('content_block_start', { index, content_block: { type: 'tool_use', id: tool.id, name: tool.name, input: {} } });
          // Streamed in two pieces, as the real API does for any non-trivial input.
          const json = JSON.stringify(tool.input);
          const half = Math.floor(json.length / 2);
          event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: json.slice(0, half) } });
          event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: json.slice(half) } });
        }
        event('content_block_stop', { index });
      });
      event('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 10 } });
      event('message_stop', {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (script) => scripts.push(script),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
