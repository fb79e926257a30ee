import { afterEach, describe, expect, test } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { createHttpFetch, type HttpFetch } from '../../tools/sync/node-host/http-fetch.js';
import { classifyError, describeError, NetworkError } from '../../tools/sync/notion.js';

/**
 * The Node host's HTTP transport (ADR-0045) against a real local server: what the Notion SDK and
 * canon read of an answer, and failures that reject as Node's fetch rejects them.
 */

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  socket: number;
}

let server: http.Server | undefined;
let transport: HttpFetch | undefined;
afterEach(async () => {
  transport?.close();
  transport = undefined;
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A server whose handler answers each request; it records what it was sent and on which connection. */
async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const sockets = new WeakMap<object, number>();
  let connections = 0;
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        socket: sockets.get(req.socket) ?? -1,
      };
      seen.push(entry);
      handler(req, res, entry);
    });
  });
  server.on('connection', (socket) => {
    sockets.set(socket, ++connections);
    // The server's end of a connection never keeps this process alive: what is left is the client's.
    socket.unref();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  transport = createHttpFetch();
  return { base: `http://127.0.0.1:${port}`, seen };
}

/** A port nothing listens on: listened on, then closed. */
async function refusedPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
};

describe('the Node host HTTP transport', () => {
  test('sends method, headers and a non-ASCII body with its byte length; answers with status, headers and body', async () => {
    const { base, seen } = await serve((_req, res) => json(res, 201, { ok: 'créé ✓ 😀' }, { 'x-notion-request-id': 'req-1' }));
    const body = JSON.stringify({ title: 'Zürich — 東京 😀' });
    const answer = await transport!.fetch(`${base}/v1/pages?x=1`, {
      method: 'post',
      headers: { authorization: 'Bearer t', 'Notion-Version': '2026-03-11', 'content-type': 'application/json' },
      body,
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/pages?x=1', body });
    expect(seen[0]!.headers).toMatchObject({
      authorization: 'Bearer t',
      'notion-version': '2026-03-11',
      'content-length': String(Buffer.byteLength(body)),
      'accept-encoding': 'gzip, deflate',
    });
    expect(Buffer.byteLength(body)).toBeGreaterThan(body.length);
    expect(answer).toMatchObject({ ok: true, status: 201, statusText: 'Created' });
    expect(answer.headers.get('X-Notion-Request-Id')).toBe('req-1');
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.headers.get('CONTENT-TYPE')).toBe('application/json');
    expect(answer.headers.get('retry-after')).toBeNull();
    expect(await answer.text()).toBe('{"ok":"créé ✓ 😀"}');
  });

  test('a GET has no body; a PATCH without one says content-length 0 (no chunked request)', async () => {
    const { base, seen } = await serve((_req, res) => json(res, 200, {}));
    await transport!.fetch(`${base}/a`, { method: 'GET' });
    await transport!.fetch(`${base}/b`, { method: 'PATCH' });
    expect(seen[0]!.headers['content-length']).toBeUndefined();
    expect(seen[0]!.headers['transfer-encoding']).toBeUndefined();
    expect(seen[1]!.headers['content-length']).toBe('0');
    expect(seen[1]!.headers['transfer-encoding']).toBeUndefined();
  });

  test('error statuses come back as answers, a 3xx is not followed, repeated headers are joined', async () => {
    const { base, seen } = await serve((req, res) => {
      if (req.url === '/429') return json(res, 429, { object: 'error', code: 'rate_limited', message: 'slow down' }, { 'Retry-After': '2' });
      if (req.url === '/500') return json(res, 500, { object: 'error', code: 'internal_server_error', message: 'oops' });
      if (req.url === '/302') {
        res.writeHead(302, { location: '/elsewhere', 'content-length': 0 });
        return res.end();
      }
      res.setHeader('x-multi', ['one', 'two']);
      res.writeHead(204);
      res.end();
    });
    const limited = await transport!.fetch(`${base}/429`, {});
    expect(limited).toMatchObject({ ok: false, status: 429, statusText: 'Too Many Requests' });
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(JSON.parse(await limited.text())).toMatchObject({ code: 'rate_limited' });
    expect(await transport!.fetch(`${base}/500`, {})).toMatchObject({ ok: false, status: 500 });
    const moved = await transport!.fetch(`${base}/302`, {});
    expect(moved).toMatchObject({ ok: false, status: 302 });
    expect(moved.headers.get('location')).toBe('/elsewhere');
    const empty = await transport!.fetch(`${base}/204`, {});
    expect(empty).toMatchObject({ ok: true, status: 204 });
    expect(empty.headers.get('x-multi')).toBe('one, two');
    expect(await empty.text()).toBe('');
    expect(seen.map((s) => s.url)).toEqual(['/429', '/500', '/302', '/204']);
  });

  test('a chunked answer, a multi-byte character split across chunks and a BOM are read as fetch reads them', async () => {
    const text = 'ü'.repeat(3) + ' — 東京 😀';
    const bytes = Buffer.from(text, 'utf8');
    const { base } = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }); // no length: chunked
      const all = req.url === '/bom' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]) : bytes;
      let at = 0;
      const next = () => {
        if (at >= all.length) return res.end();
        res.write(all.subarray(at, at + 3)); // 3 bytes at a time: characters cut in half
        at += 3;
        setImmediate(next);
      };
      next();
    });
    const plain = await transport!.fetch(`${base}/plain`, {});
    expect(plain.headers.get('transfer-encoding')).toBe('chunked');
    expect(await plain.text()).toBe(text);
    expect(await (await transport!.fetch(`${base}/bom`, {})).text()).toBe(text);
  });

  test.each([
    ['gzip', 'gzip', (b: Buffer) => zlib.gzipSync(b)],
    ['deflate (zlib-wrapped)', 'deflate', (b: Buffer) => zlib.deflateSync(b)],
    ['deflate (raw, as some servers send it)', 'deflate', (b: Buffer) => zlib.deflateRawSync(b)],
    ['br', 'br', (b: Buffer) => zlib.brotliCompressSync(b)],
    ['deflate, gzip (both, undone last first)', 'deflate, gzip', (b: Buffer) => zlib.gzipSync(zlib.deflateSync(b))],
  ])('a body sent with content-encoding %s is decompressed', async (_label, encoding, compress) => {
    const body = JSON.stringify({ results: Array.from({ length: 200 }, (_, i) => `page ${i} é`) });
    const { base } = await serve((_req, res) => {
      const sent = compress(Buffer.from(body));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': sent.length });
      res.end(sent);
    });
    const answer = await transport!.fetch(`${base}/`, {});
    expect(await answer.text()).toBe(body);
  });

  test('sequential requests share one kept-alive connection, which never keeps the process alive while idle', async () => {
    let release: () => void = () => undefined;
    const { base, seen } = await serve((req, res) => {
      if (req.url === '/slow') release = () => json(res, 200, { slow: true });
      else json(res, 200, { n: seen.length });
    });
    const clientSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const before = clientSockets();
    await transport!.fetch(`${base}/1`, {});
    await transport!.fetch(`${base}/2`, {});
    // The socket goes back to the pool after the answer's end: let the agent have its turns.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.map((s) => s.socket)).toEqual([1, 1]);
    expect(clientSockets()).toBe(before);
    // A request under way holds the process (the reused socket is ref'd again) until it is answered.
    const slow = transport!.fetch(`${base}/slow`, {});
    for (let i = 0; i < 100 && seen.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen.map((s) => s.socket)).toEqual([1, 1, 1]);
    expect(clientSockets()).toBe(before + 1);
    release();
    expect(JSON.parse(await (await slow).text())).toEqual({ slow: true });
  });

  test('close() ends a request still under way: it rejects as a network failure', async () => {
    const { base, seen } = await serve(() => undefined); // never answers
    const pending = transport!.fetch(`${base}/hang`, {});
    for (let i = 0; i < 100 && seen.length < 1; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    transport!.close();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    expect(classifyError(new NetworkError(error))).toBe('transient');
  });

  test('an AbortSignal aborts the request and rejects with its reason', async () => {
    const { base, seen } = await serve(() => undefined);
    const early = new AbortController();
    early.abort(new Error('stop before'));
    await expect(transport!.fetch(`${base}/x`, { signal: early.signal })).rejects.toThrow('stop before');
    expect(seen).toHaveLength(0);
    const late = new AbortController();
    const pending = transport!.fetch(`${base}/y`, { signal: late.signal });
    for (let i = 0; i < 100 && seen.length < 1; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    late.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('a connection that fails rejects as Node fetch rejects: the same classification', () => {
  /** What canon makes of a rejection: pacedFetch wraps it in NetworkError, then classifyError and describeError. */
  const judged = (error: unknown) => ({ kind: classifyError(new NetworkError(error)), name: (error as Error).name, message: (error as Error).message });

  test('a refused port: TypeError "fetch failed", cause ECONNREFUSED, "could not reach Notion: ECONNREFUSED"', async () => {
    const port = await refusedPort();
    transport = createHttpFetch();
    const ours = await transport.fetch(`http://127.0.0.1:${port}/v1/pages`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
    const node = await fetch(`http://127.0.0.1:${port}/v1/pages`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
    expect(judged(ours)).toEqual(judged(node));
    expect(judged(ours)).toEqual({ kind: 'transient', name: 'TypeError', message: 'fetch failed' });
    expect((ours as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
    expect(describeError(new NetworkError(ours))).toBe(describeError(new NetworkError(node)));
    expect(describeError(new NetworkError(ours))).toBe('could not reach Notion: ECONNREFUSED');
  });

  test('a server that drops the connection before answering', async () => {
    const { base } = await serve((req) => req.socket.destroy());
    const ours = await transport!.fetch(`${base}/v1/pages`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
    const node = await fetch(`${base}/v1/pages`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
    expect(judged(ours)).toEqual(judged(node));
    expect(judged(ours)).toEqual({ kind: 'transient', name: 'TypeError', message: 'fetch failed' });
    expect(describeError(new NetworkError(ours))).toMatch(/^could not reach Notion: E[A-Z]+$/);
  });

  test('a server that drops the connection in the middle of the answer: the request rejects, transient', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
      res.write('{"results": [');
      setImmediate(() => res.socket?.destroy());
    });
    const ours = await transport!.fetch(`${base}/v1/x`, {}).catch((e: unknown) => e);
    expect(judged(ours)).toEqual({ kind: 'transient', name: 'TypeError', message: 'fetch failed' });
    expect(describeError(new NetworkError(ours))).toMatch(/^could not reach Notion: E[A-Z]+$/);
  });
});
