import { lintSource } from '@secretlint/core';
import { creator as presetRecommend } from '@secretlint/secretlint-rule-preset-recommend';
import { creator as patternRule } from '@secretlint/secretlint-rule-pattern';
import type { Issue } from '../core/validate-note.js';
import { messages } from '../messages/index.js';

/** Notion integration tokens: `ntn_…` (current) and `secret_…` (legacy). Not in secretlint's preset. */
const NOTION_PATTERNS = ['/\\b(?<token>ntn_[A-Za-z0-9]{40,})\\b/', '/\\b(?<token>secret_[A-Za-z0-9]{40,})\\b/'];

const config = {
  rules: [
    { id: '@secretlint/secretlint-rule-preset-recommend', rule: presetRecommend },
    {
      id: '@secretlint/secretlint-rule-pattern',
      rule: patternRule,
      options: { patterns: [{ name: 'Notion token', patterns: NOTION_PATTERNS }] },
    },
  ],
};

/** Show just enough of a secret to find it: its first four characters. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 4)}${'*'.repeat(8)}`;
}

/** Scan note text for secrets with secretlint; each finding is an error naming file:line and the rule, masked. */
export async function scanSecrets(text: string, file: string): Promise<Issue[]> {
  const result = await lintSource({
    source: { content: text, filePath: file, contentType: 'text' },
    options: { config: config as never, maskSecrets: true, noPhysicFilePath: true },
  });
  return result.messages.map((message) => {
    const [start, end] = message.range;
    const before = text.slice(0, start).split('\n');
    const line = before.length;
    const column = (before.at(-1)?.length ?? 0) + 1;
    const rule = message.ruleId.endsWith('rule-pattern') ? 'notion-token' : message.messageId || message.ruleId;
    const masked = maskSecret(text.slice(start, end));
    return {
      file,
      line,
      column,
      severity: 'error' as const,
      pointer: '',
      message: messages.secrets.finding(masked, rule),
      rule: `secret/${rule}`,
    };
  });
}

/** Where secrets sit in `text` (offsets), for masking them in a copy: the same rules as the commit scan. */
export async function findSecretRanges(text: string): Promise<Array<[start: number, end: number]>> {
  const result = await lintSource({
    source: { content: text, filePath: 'transcript.jsonl', contentType: 'text' },
    options: { config: config as never, maskSecrets: true, noPhysicFilePath: true },
  });
  return result.messages.map((message) => [message.range[0], message.range[1]] as [number, number]);
}
