/** The Notion adapter lives in the host-neutral sync core (ADR-0017); this path stays for the CLI's imports. */
export * from '../sync-core/notion.js';
