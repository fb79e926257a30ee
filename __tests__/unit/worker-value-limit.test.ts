import { describe, expect, it } from '@jest/globals';
import { withinValueLimit } from '../../workers/notion-sync/src/run.js';

describe("the Worker's sent-markdown record fits a Durable Object value", () => {
  it("keeps Notion's rendering while both copies are small", () => {
    const record = { hash: 'sha256:a', dialect: 'v2', markdown: 'a\n\nb\n', rendered: 'a\nb\n' };
    expect(withinValueLimit(record)).toEqual(record);
  });

  it("leaves Notion's rendering out when the two copies together would pass the limit, and keeps canon's text whole", () => {
    const body = 'é'.repeat(500_000);
    const record = { hash: 'sha256:b', dialect: 'v2', markdown: body, rendered: `${body}\n` };
    const kept = withinValueLimit(record);
    expect(kept).toEqual({ hash: 'sha256:b', dialect: 'v2', markdown: body });
    expect('rendered' in kept).toBe(false);
  });

  it('passes a record without a rendering through as it is', () => {
    const record = { hash: 'sha256:c', dialect: 'v2', markdown: 'x'.repeat(2_000_000) };
    expect(withinValueLimit(record)).toBe(record);
  });
});
