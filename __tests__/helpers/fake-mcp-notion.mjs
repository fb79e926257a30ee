#!/usr/bin/env node
// A stand-in for the Notion MCP server, for the real-client tests: MCP over stdio (newline-delimited
// JSON-RPC 2.0), written by hand. Three tools: `notion-search` answers, `notion-create-pages` answers
// with an error result (isError), `notion-fetch` throws (a JSON-RPC error). Every call is appended to
// the file named by $FAKE_MCP_LOG, so a test can see that the client really called it.
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const log = process.env.FAKE_MCP_LOG;
const tools = [
  { name: 'notion-search', description: 'Search the Notion workspace', inputSchema: { type: 'object', properties: { query: { type: 'string' } } } },
  { name: 'notion-create-pages', description: 'Create Notion pages', inputSchema: { type: 'object', properties: { title: { type: 'string' } } } },
  { name: 'notion-fetch', description: 'Fetch a Notion page', inputSchema: { type: 'object', properties: { id: { type: 'string' } } } },
];

function send(message) {
  process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
}

createInterface({ input: process.stdin }).on('line', (line) => {
  let request;
  try {
    request = JSON.parse(line);
  } catch {
    return;
  }
  const { id, method, params } = request;
  if (id === undefined) return; // a notification (notifications/initialized, cancelled, …)
  switch (method) {
    case 'initialize':
      return send({
        id,
        result: { protocolVersion: params?.protocolVersion ?? '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'notion', version: '0.0.1' } },
      });
    case 'ping':
      return send({ id, result: {} });
    case 'tools/list':
      return send({ id, result: { tools } });
    case 'tools/call': {
      if (log) appendFileSync(log, `${params?.name}\n`);
      if (params?.name === 'notion-search') return send({ id, result: { content: [{ type: 'text', text: 'no pages found' }] } });
      if (params?.name === 'notion-create-pages')
        return send({ id, result: { content: [{ type: 'text', text: 'permission denied by the workspace' }], isError: true } });
      return send({ id, error: { code: -32603, message: 'notion-fetch exploded' } });
    }
    default:
      return send({ id, error: { code: -32601, message: `method not found: ${method}` } });
  }
});
