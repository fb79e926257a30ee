// Types for server.mjs (plain JavaScript so demo and bench scripts run it without a build).
export declare const NOTION_VERSION: string;
export declare const NOTION_VERSIONS: readonly string[];
export interface PropertySpec {
  type: string;
  options?: string[];
}
export declare const DEFAULT_PROPERTIES: Record<string, PropertySpec>;
export interface Faults {
  /** Share of requests answered 500/503 before they are applied (seeded, repeatable). */
  serverErrorRate?: number;
  seed?: number;
  /** The next N page creates are applied, then the connection is dropped without an answer. */
  dropAfterCreate?: number;
  /** The next N requests are answered 429 with Retry-After. */
  rateLimitBurst?: number;
  /** The next N requests are answered 529 service_overload with Retry-After (not applied). */
  overloadBurst?: number;
  /** The next N page creates are answered 529 service_overload with Retry-After (not applied). */
  overloadCreates?: number;
  /** The next N page creates are answered 500 (and not applied). */
  failCreates?: number;
  /** The next N requests are answered 500. */
  failNext?: number;
  /** Errors answered to the requests they match, in order (each `times`, default 1, after `skip` matches). */
  errors?: ScriptedError[];
}
/** One scripted answer (ADR-0041): any documented error code, for requests matching method and path. */
export interface ScriptedError {
  method?: string;
  /** A substring of the request path, or a pattern. */
  path?: string | RegExp;
  status: number;
  code: string;
  /** Default: Notion's example message for the code. */
  message?: string;
  /** Retry-After, in seconds. */
  retryAfter?: number;
  /** additional_data.rate_limit_reason. */
  rateLimitReason?: string;
  /** Apply the request first, then answer the error (a 504 after the write: the outcome is unknown). */
  apply?: boolean;
  /** Let this many matching requests through first. */
  skip?: number;
  times?: number;
}
/** A budget of requests per fixed window (Notion's per-connection and per-workspace limits). */
export interface WindowLimit {
  requests: number;
  /** Default 60. */
  windowSeconds?: number;
  /** What Retry-After says (default: the time until the window resets). */
  retryAfterSeconds?: number;
}
export declare const RATE_LIMIT_REASONS: { connection: string; workspace: string };
export interface RateLimit {
  rps?: number;
  burst?: number;
}
export interface FakeNotionOptions {
  token?: string;
  version?: string;
  rateLimit?: RateLimit;
  faults?: Faults;
  retryAfterSeconds?: number;
  properties?: Record<string, PropertySpec>;
  databaseId?: string;
  dataSourceId?: string;
  port?: number;
  /** Keep each request's body in the log (LoggedRequest.body). */
  keepBodies?: boolean;
  /** Each connection's (token's) budget per window: 429 with Retry-After ≤ the window. */
  connectionLimit?: WindowLimit | null;
  /** The workspace's budget, shared by every connection (token) it accepts. */
  workspaceLimit?: WindowLimit | null;
  /** Other integration tokens of the same workspace. */
  otherTokens?: string[];
  /** Blocks a markdown read renders before the rest is `<unknown>` (truncated). Default: no limit. */
  markdownRecordLimit?: number;
}
export interface LoggedRequest {
  method: string;
  path: string;
  /** HTTP status answered; -1 for a dropped connection. */
  status: number;
  /** The request body, with keepBodies. */
  body?: string;
}
export interface FakeBlock {
  type: string;
  data: Record<string, any>;
  children: FakeBlock[];
}
export interface FakePage {
  object: 'page';
  id: string;
  properties: Record<string, any>;
  in_trash: boolean;
  [key: string]: unknown;
}
export interface FakeNotion {
  baseUrl: string;
  token: string;
  databaseId: string;
  dataSourceId: string;
  requests: LoggedRequest[];
  pages(): FakePage[];
  pagesByExternalId(externalId: string): FakePage[];
  blockTree(pageId: string): FakeBlock[];
  pageText(pageId: string): string;
  pageMarkdown(pageId: string, dialect?: 'v1' | 'v2'): string;
  propertyText(page: FakePage, name: string): string;
  writeCount(): number;
  setFaults(faults: Faults): void;
  setRateLimit(rate: RateLimit): void;
  setLimits(limits: { connection?: WindowLimit | null; workspace?: WindowLimit | null }): void;
  /** A child page (or database) added to a page as a person would in Notion; its block id. */
  addChildPage(pageId: string, title: string, kind?: 'page' | 'database'): string;
  close(): Promise<void>;
}
export declare function startFakeNotion(options?: FakeNotionOptions): Promise<FakeNotion>;
export declare function validateBlockRequests(blocks: unknown[], where?: string, parentType?: string): void;
