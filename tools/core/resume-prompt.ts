// The Resume Prompt of a session note (docs/contract.md §3.5): its checks and a first draft for the user. Pure.
import type { Confidence, HandoffContent } from './handoff-input.js';

/** docs/contract.md §3.5: long enough to start cold from, short enough to be read. */
const RESUME_PROMPT_WORDS = { min: 80, max: 150 } as const;

export function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => w !== '').length;
}

export type ResumePromptProblem = { rule: 'missing' } | { rule: 'too-short' | 'too-long'; words: number } | { rule: 'no-confidence' };

/** docs/contract.md §3.5: 80–150 words and a final `Confidence:` line. Warnings only: a short prompt beats none. */
export function checkResumePrompt(prompt: string | null, confidence: Confidence | null): ResumePromptProblem[] {
  if (prompt === null || prompt.trim() === '') return [{ rule: 'missing' }];
  const problems: ResumePromptProblem[] = [];
  const words = countWords(prompt);
  if (words < RESUME_PROMPT_WORDS.min) problems.push({ rule: 'too-short', words });
  if (words > RESUME_PROMPT_WORDS.max) problems.push({ rule: 'too-long', words });
  if (confidence === null) problems.push({ rule: 'no-confidence' });
  return problems;
}

/**
 * A first Resume Prompt built from what the user already typed, for them to accept, edit or skip:
 * a draft in the right shape is easier to correct than a blank page.
 */
export function draftResumePrompt(
  content: Pick<HandoffContent, 'title' | 'summary' | 'workstream' | 'sections'>,
  filesTouched: readonly string[] = [],
): string {
  const flat = (markdown: string) =>
    markdown
      .split('\n')
      .map((l) => l.replace(/^\s*[-*]\s+/, '').trim())
      .filter((l) => l !== '')
      .join('; ');
  const parts = [
    `Continue ${content.workstream ? `the ${content.workstream} workstream` : 'this work'}: ${content.title}.`,
    `Where it stands: ${content.summary.replace(/\s+/g, ' ').trim()}`,
  ];
  const { shipped, decisions, openQuestions, nextSteps } = content.sections;
  if (shipped) parts.push(`Already done: ${flat(shipped)}.`);
  if (decisions) parts.push(`Decided, do not reopen without reason: ${flat(decisions)}.`);
  if (nextSteps) parts.push(`Start with: ${flat(nextSteps)}.`);
  if (openQuestions) parts.push(`Still open: ${flat(openQuestions)}.`);
  if (filesTouched.length > 0) {
    const shown = filesTouched.slice(0, 6);
    parts.push(`Files this session edited: ${shown.join(', ')}${filesTouched.length > shown.length ? ` and ${filesTouched.length - shown.length} more` : ''}.`);
  }
  return parts.join(' ').replace(/([.?!])\./g, '$1');
}
