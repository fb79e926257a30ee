import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import type { NotionFetchInit, NotionFetchResponse } from '../notion.js';

/**
 * The Node host's HTTP transport for the Notion adapter: the part of fetch that @notionhq/client and
 * canon use, over node:https (node:http for the fake Notion on 127.0.0.1), chosen by the URL's
 * protocol. Node 20's own fetch compiles its bundled undici on first use, about 210 ms of CPU in
 * every `canon sync` that sends a request (ADR-0045); node:http costs a tenth of that. Nothing here
 * touches a global that loads undici (fetch, Response, Headers, Request, FormData).
 *
 * What it keeps of fetch: the answer of any status is returned as is (a 3xx too: Notion does not
 * redirect, so none is followed); `ok` is 200–299; header names are case-insensitive and repeated
 * headers are joined with ", "; the body is decompressed as fetch does (it asks for the same
 * encodings Node's fetch asks for) and decoded as UTF-8 with a BOM dropped. A connection that is
 * refused, reset or dropped before the whole answer came rejects with TypeError "fetch failed" and
 * the socket error (code ECONNREFUSED, ECONNRESET…) as its cause, as Node's fetch does, so the
 * adapter's classification (notion.ts: NetworkError, then `describeError`) is unchanged. An
 * AbortSignal in `init` aborts the request and rejects with its reason.
 *
 * What differs: the whole body is read before the promise resolves (Notion's answers are JSON of a
 * few hundred kB at most), so the SDK's timeout covers the body too, and a connection dropped in the
 * middle of an answer rejects the request rather than a later `text()`. HTTPS_PROXY and the other
 * proxy variables are ignored, as Node 20's fetch ignores them: no regression.
 *
 * Sockets: one keep-alive agent per transport, for a run's sequential requests. An idle socket is
 * unref'd by Node's agent (it never keeps the process alive) and closed after 4 s idle or the
 * server's `Keep-Alive: timeout` hint, whichever is sooner (undici's default), so a socket is not
 * reused just as the server closes it; a reset on reuse would be a network error like any other,
 * which canon's retry policy already handles. `close()` destroys every socket, a request the SDK gave
 * up on (its timeout) included.
 */
export interface HttpFetch {
  /** A NotionFetch, what createNotionApi takes. */
  fetch: (url: string, init?: NotionFetchInit) => Promise<NotionFetchResponse>;
  /** Destroy every socket of this transport; a request still running rejects. */
  close(): void;
}

/** Idle keep-alive sockets close after this long (undici's keepAliveTimeout default). */
const IDLE_MS = 4_000;

/** The answer's headers as fetch's Headers reads them: lower-case names, repeated ones joined. */
class AnswerHeaders {
  private readonly map = new Map<string, string>();
  /** `rawHeaders` as Node gives them: ['Content-Type', 'application/json', 'Retry-After', '1', …]. */
  constructor(raw: readonly string[]) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      const value = raw[i + 1]!;
      const before = this.map.get(name);
      this.map.set(name, before === undefined ? value : `${before}, ${value}`);
    }
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
}

/** Rejections look like Node's fetch's: TypeError "fetch failed", the socket error as the cause. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function requestBody(body: NotionFetchInit['body']): Buffer | null {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  // FormData or a stream (the SDK's file uploads): canon sends neither.
  throw new TypeError(`canon's HTTP transport sends only a string or bytes as a body, not ${Object.prototype.toString.call(body)}`);
}

function requestHeaders(headers: NotionFetchInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = String(value);
  return out;
}

/** Undo one content coding; one fetch does not know is passed through as is. */
function decode(coding: string, input: Buffer): Promise<Buffer> {
  // Lenient about a missing end, as fetch is (a truncated stream keeps what it had).
  const lenient = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  return new Promise<Buffer>((resolve, reject) => {
    const done = (error: Error | null, output: Buffer) => (error ? reject(error) : resolve(output));
    if (coding === 'gzip' || coding === 'x-gzip') zlib.gunzip(input, lenient, done);
    // "deflate" is meant to be zlib-wrapped, but servers send it raw too: fetch looks at the first byte.
    else if (coding === 'deflate' && ((input[0] ?? 0) & 0x0f) === 0x08) zlib.inflate(input, lenient, done);
    else if (coding === 'deflate') zlib.inflateRaw(input, lenient, done);
    else if (coding === 'br') zlib.brotliDecompress(input, done);
    else resolve(input);
  });
}

async function decompress(data: Buffer, encoding: string | undefined): Promise<Buffer> {
  // Content-Encoding lists the codings in the order they were applied: undo them last first.
  const codings = (encoding ?? '')
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c !== 'identity')
    .reverse();
  let out = data;
  for (const coding of codings) out = await decode(coding, out);
  return out;
}

/** A fetch-compatible transport for the Notion adapter; `close()` it when the run is done. */
export function createHttpFetch(): HttpFetch {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, timeout: IDLE_MS }),
    'https:': new https.Agent({ keepAlive: true, timeout: IDLE_MS }),
  };

  const fetch = (input: string, init: NotionFetchInit = {}): Promise<NotionFetchResponse> =>
    new Promise<NotionFetchResponse>((resolve, reject) => {
      let url: URL;
      let body: Buffer | null;
      let headers: Record<string, string>;
      try {
        url = new URL(String(input));
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`canon's HTTP transport speaks http and https, not ${url.protocol}`);
        body = requestBody(init.body);
        headers = requestHeaders(init.headers);
      } catch (error) {
        reject(fetchFailed(error));
        return;
      }
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const method = (init.method ?? 'GET').toUpperCase();
      // What Node's fetch asks for, so Notion answers as it did: br only over TLS.
      headers['accept-encoding'] ??= url.protocol === 'https:' ? 'br, gzip, deflate' : 'gzip, deflate';
      headers.accept ??= '*/*';
      if (body) headers['content-length'] = String(body.length);
      else if (method === 'POST' || method === 'PUT' || method === 'PATCH') headers['content-length'] = '0';

      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const transport = url.protocol === 'https:' ? https : http;
      const request = transport.request(url, { method, headers, agent: agents[url.protocol] });
      function onAbort() {
        settle(() => reject(signal!.reason));
        request.destroy();
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', (error) => settle(() => reject(fetchFailed(error))));
      request.on('response', (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        // A connection dropped in the middle of the answer: 'aborted' then 'error' (ECONNRESET) on the answer.
        answer.on('error', (error) => settle(() => reject(fetchFailed(error))));
        const cut = () =>
          settle(() => reject(fetchFailed(Object.assign(new Error('the connection closed before the whole answer came'), { code: 'ECONNRESET' }))));
        answer.on('close', () => {
          if (!answer.complete) cut();
        });
        answer.on('end', () => {
          if (!answer.complete) return cut();
          decompress(Buffer.concat(chunks), answer.headers['content-encoding']).then(
            (data) => settle(() => resolve(responseOf(answer.statusCode ?? 0, answer.statusMessage ?? '', new AnswerHeaders(answer.rawHeaders), data))),
            (error: unknown) => settle(() => reject(fetchFailed(error))),
          );
        });
      });
      request.end(body ?? undefined);
    });

  return {
    fetch,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

function responseOf(status: number, statusText: string, headers: AnswerHeaders, data: Buffer): NotionFetchResponse {
  // fetch's text(): UTF-8, a leading BOM dropped, malformed bytes as U+FFFD.
  const text = () => new TextDecoder('utf-8').decode(data);
  return {
    ok: status >= 200 && status <= 299,
    status,
    statusText,
    headers,
    text: () => Promise.resolve(text()),
  };
}
