import { DurableObject } from 'cloudflare:workers';
import { DEFAULT_LEASE_SECONDS, LeaseLostError, positive, runOnce, workerRedactor, type RunSummary, type StateStore, type SyncEnv } from './run.js';

/**
 * canon's Notion mirror as a Cloudflare Worker (ADR-0017). A cron trigger (every 15 minutes by
 * default, wrangler.jsonc) and `POST /run` (Bearer RUN_TOKEN) both ask the one SyncRunner Durable
 * Object to run; it holds the lock (a lease, renewed before each note, that a run which is gone cannot
 * keep past one tick: ADR-0035) and the state between runs
 * (the blob each note had, page ids, what was last sent). `GET /status` (same token) shows the last run.
 */
export interface Env extends SyncEnv {
  SYNC: DurableObjectNamespace<SyncRunner>;
}

export type RunOutcome =
  { status: 'ran'; summary: RunSummary } | { status: 'locked'; until: string } | { status: 'failed'; error: string; summary?: RunSummary };

/** A retry wait ends at least this long before the lease does. */
const LEASE_MARGIN_MS = 30_000;

interface Lease {
  owner: string;
  expires: number;
}

export class SyncRunner extends DurableObject<Env> {
  async run(trigger: string): Promise<RunOutcome> {
    const leaseMs = positive(this.env.LOCK_LEASE_SECONDS, DEFAULT_LEASE_SECONDS) * 1000;
    // Checked and taken with no other event in between (the object's input gate holds while storage
    // answers): two calls into this object cannot both pass. The lease alone decides: one that ran
    // out belongs to a run that is gone (crashed, evicted, or stuck past it), and is taken over.
    const lease = await this.ctx.storage.get<Lease>('lease');
    if (lease && lease.expires > Date.now()) return { status: 'locked', until: new Date(lease.expires).toISOString() };
    if (lease) console.log(`canon sync (${trigger}): the lock of a run that is gone (its lease ended ${new Date(lease.expires).toISOString()}) is taken over`);
    const owner = crypto.randomUUID();
    let expires = Date.now() + leaseMs;
    /** Renew the lease if it is still this run's; a run whose lease was taken over stops here. */
    const heartbeat = async () => {
      const now = await this.ctx.storage.get<Lease>('lease');
      if (now?.owner !== owner || now.expires <= Date.now()) throw new LeaseLostError();
      expires = Date.now() + leaseMs;
      await this.ctx.storage.put('lease', { owner, expires } satisfies Lease);
    };
    try {
      await this.ctx.storage.put('lease', { owner, expires } satisfies Lease);
      const summary = await runOnce(this.env, this.store(), {
        trigger,
        heartbeat,
        // No retry wait ends past the lease (less a margin for the request after it).
        deadline: () => expires - Math.min(LEASE_MARGIN_MS, leaseMs / 4),
        log: (line) => console.log(line),
      });
      await this.ctx.storage.put('last', summary);
      console.log(
        `canon sync (${trigger}): ${summary.counts.create} created, ${summary.counts.update} updated, ${summary.counts.error} failed, left ${summary.left}; ${summary.requests.github} GitHub + ${summary.requests.notion} Notion requests`,
      );
      if (summary.stopped)
        console.log(`canon sync (${trigger}): Notion's rate limit stopped the run (${summary.stopped}); the notes not sent stay pending for the next run`);
      return { status: 'ran', summary };
    } catch (error) {
      const message = workerRedactor(this.env)((error as Error).message ?? String(error));
      await this.ctx.storage.put('last-error', { at: new Date().toISOString(), trigger, error: message });
      console.error(`canon sync (${trigger}) failed: ${message}`);
      return { status: 'failed', error: message };
    } finally {
      // A run that ends, failed or not, releases its lock at once (if it still holds it).
      const now = await this.ctx.storage.get<Lease>('lease');
      if (now?.owner === owner) await this.ctx.storage.delete('lease');
    }
  }

  async status(): Promise<{ last: RunSummary | null; lastError: unknown; lease: Lease | null }> {
    return {
      last: (await this.ctx.storage.get<RunSummary>('last')) ?? null,
      lastError: (await this.ctx.storage.get('last-error')) ?? null,
      lease: (await this.ctx.storage.get<Lease>('lease')) ?? null,
    };
  }

  private store(): StateStore {
    const storage = this.ctx.storage;
    return {
      get: (key) => storage.get(key),
      put: (key, value) => storage.put(key, value),
      async putMany(entries) {
        const keys = Object.keys(entries);
        // storage.put takes at most 128 pairs at once.
        for (let i = 0; i < keys.length; i += 128) await storage.put(Object.fromEntries(keys.slice(i, i + 128).map((k) => [k, entries[k]])));
      },
      async delete(keys) {
        for (let i = 0; i < keys.length; i += 128) await storage.delete(keys.slice(i, i + 128));
      },
      list: async <T>(prefix: string) => {
        const found = await storage.list<T>({ prefix });
        return new Map([...found].map(([k, v]) => [k.slice(prefix.length), v]));
      },
    };
  }
}

/** Constant-time comparison of the bearer token. */
function authorized(request: Request, token: string | undefined): boolean {
  if (!token) return false;
  const given = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? '';
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(token);
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

const runner = (env: Env) => env.SYNC.get(env.SYNC.idFromName('canon-sync'));
const json = (value: unknown, status = 200) => new Response(JSON.stringify(value, null, 2), { status, headers: { 'content-type': 'application/json' } });

export default {
  async scheduled(controller: ScheduledController, env: Env): Promise<void> {
    const outcome = await runner(env).run(`cron ${controller.cron}`);
    if (outcome.status === 'locked') console.log(`canon sync: a run holds the lock until ${outcome.until}; this tick is skipped`);
  },

  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== '/run' && url.pathname !== '/status') return json({ error: 'not found: POST /run or GET /status' }, 404);
    if (!env.RUN_TOKEN) return json({ error: 'RUN_TOKEN is not set: wrangler secret put RUN_TOKEN' }, 503);
    if (!authorized(request, env.RUN_TOKEN)) return json({ error: 'unauthorized: send Authorization: Bearer <RUN_TOKEN>' }, 401);
    if (url.pathname === '/status') {
      if (request.method !== 'GET') return json({ error: 'GET /status' }, 405);
      return json(await runner(env).status());
    }
    if (request.method !== 'POST') return json({ error: 'POST /run' }, 405);
    const outcome = await runner(env).run('POST /run');
    return json(outcome, outcome.status === 'ran' ? 200 : outcome.status === 'locked' ? 409 : 502);
  },
} satisfies ExportedHandler<Env>;
