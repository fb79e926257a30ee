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
}
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
  close(): Promise<void>;
}
export declare function startFakeNotion(options?: FakeNotionOptions): Promise<FakeNotion>;
export declare function validateBlockRequests(blocks: unknown[], where?: string, parentType?: string): void;
