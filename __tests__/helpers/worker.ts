import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorker } from '../../workers/notion-sync/bundle.mjs';

/**
 * The Notion Worker in the real Workers runtime (workerd through miniflare), against local fakes.
 * `startWorker` returns null (and the suite skips with one line) when workerd cannot start here.
 */
export interface WorkerHandle {
  post(path: string, token?: string): Promise<{ status: number; body: any }>;
  get(path: string, token?: string): Promise<{ status: number; body: any }>;
  scheduled(cron?: string): Promise<{ outcome: string }>;
  /** Everything the Worker printed (console.log / console.error) so far. */
  output(): string;
  dispose(): Promise<void>;
}

export const RUN_TOKEN = 'run-token-for-tests-0123456789';
let bundled: Promise<string> | undefined;

export function workerBundle(): Promise<string> {
  return (bundled ??= bundleWorker(path.join(mkdtempSync(path.join(os.tmpdir(), 'canon-worker-')), 'worker.mjs')));
}

export async function startWorker(vars: Record<string, string>, options: { persist?: string } = {}): Promise<WorkerHandle> {
  const { Miniflare } = await import('miniflare');
  const bundle = await workerBundle();
  let printed = '';
  const collect = (stream: NodeJS.ReadableStream) => stream.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const mf = new Miniflare({
    // The bundle is one ES module: named as such, miniflare does not parse its 1.7 MB to find imports
    // (about 1 s of CPU per start; its imports are Node built-ins and cloudflare:workers).
    modules: [{ type: 'ESModule', path: bundle }],
    // Module names are relative to this root; the bundle lives outside the repository.
    modulesRoot: path.dirname(bundle),
    compatibilityDate: '2025-09-01',
    compatibilityFlags: ['nodejs_compat'],
    durableObjects: { SYNC: { className: 'SyncRunner', useSQLite: true } },
    ...(options.persist ? { durableObjectsPersist: options.persist } : {}),
    bindings: { RUN_TOKEN, ...vars },
    handleRuntimeStdio(stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) {
      collect(stdout);
      collect(stderr);
    },
  });
  await mf.ready;
  const call = async (method: string, p: string, token: string | undefined) => {
    const response = await mf.dispatchFetch(`http://worker${p}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  return {
    post: (p, token = RUN_TOKEN) => call('POST', p, token),
    get: (p, token = RUN_TOKEN) => call('GET', p, token),
    async scheduled(cron = '*/15 * * * *') {
      const worker = await mf.getWorker();
      return (await worker.scheduled({ cron })) as { outcome: string };
    },
    output: () => printed,
    dispose: () => mf.dispose(),
  };
}

/** Whether workerd starts on this machine (a missing binary or an unsupported platform: no). */
export async function workerdWorks(): Promise<string | null> {
  try {
    const { Miniflare } = await import('miniflare');
    const mf = new Miniflare({ modules: true, script: 'export default { fetch() { return new Response("ok"); } }', compatibilityDate: '2025-09-01' });
    const text = await (await mf.dispatchFetch('http://x/')).text();
    await mf.dispose();
    return text === 'ok' ? null : `workerd answered ${text}`;
  } catch (error) {
    return (error as Error).message.split('\n')[0] ?? 'unknown error';
  }
}
