import { findDraftTextControls, type HandoffDraft } from './handoff-input.js';
import { describeCharacter, isBidiControl } from './text-controls.js';
import { UsageError } from '../errors.js';
import { textMessages as m } from '../messages/text.js';

/** The flags that set a draft's text fields (each named as the field), and the fields' keys in a `--from` file. */
const FLAG_NAMES: Record<string, string> = {
  title: '--title',
  summary: '--summary',
  workstream: '--workstream',
  tags: '--tags',
  resumePrompt: '--resume-prompt',
};
type TextFlags = { title?: string; summary?: string; workstream?: string; tags?: string; resumePrompt?: string };
const KEYS: Record<string, string> = {
  resumePrompt: 'resume_prompt',
  'sections.shipped': 'shipped',
  'sections.decisions': 'decisions',
  'sections.openQuestions': 'open_questions',
  'sections.nextSteps': 'next_steps',
  'sections.summary': '## Summary',
  'sections.extra': 'an extra section',
};

/**
 * Step 0 of a handoff (ADR-0023): every text it was given — flags, a `--from` file, JSON on stdin —
 * is refused before an id is claimed when it holds a control or bidi character, naming the flag or
 * key and where in it the character stands. Nothing is claimed or written. `source` is how handoff
 * names its input: "from the flags", "on stdin" or the file's path.
 */
export function checkHandoffText(draft: HandoffDraft, flags: TextFlags, source: string): void {
  const [first] = findDraftTextControls(draft);
  if (first === undefined) return;
  const name =
    first.field in FLAG_NAMES && flags[first.field as keyof TextFlags] !== undefined
      ? FLAG_NAMES[first.field]!
      : `"${KEYS[first.field] ?? first.field}" ${source === 'on stdin' ? 'on stdin' : `in ${source}`}`;
  throw new UsageError(m.handoff.refused(name, describeCharacter(first.code), m.handoff.position(first), isBidiControl(first.code)), m.handoff.hint);
}
