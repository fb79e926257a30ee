// The terminal side of a handoff (docs/contract.md §6 steps 0.5 and 1): @inquirer/prompts, loaded only when a
// person is at a TTY. Prompts draw on stderr so that stdout keeps only the result (`--json` included).
import { mergeDrafts, renderList, splitConfidence, splitTags, type Confidence, type HandoffDraft } from '../core/handoff-input.js';
import { countWords, draftResumePrompt } from '../core/resume-prompt.js';
import { handoffMessages as m } from '../messages/handoff.js';

export interface WorkstreamChoice {
  slug: string;
  title: string;
  status: string | null;
}

export interface AskContentOptions {
  /** What flags already said: offered as defaults, never asked twice. */
  defaults: HandoffDraft;
  workstreams: WorkstreamChoice[];
  /** The workstream this session's commits touched, when exactly one: the preselected choice. */
  suggestedWorkstream: string | null;
  /** Quick form: Summary and Resume Prompt only. */
  quick: boolean;
  /** Files the telemetry hook saw edited: named in the Resume Prompt draft. */
  filesTouched: readonly string[];
  /** Where the Resume Prompt draft is shown. */
  show: (text: string) => void;
}

const TAG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

async function prompts() {
  return import('@inquirer/prompts');
}

const context = { output: process.stderr, clearPromptOnDone: false };

export async function askConfirmOperator(message: string): Promise<boolean> {
  const { confirm } = await prompts();
  return confirm({ message, default: true }, context);
}

/** Ask for the content of the note; returns the defaults with the answers layered on top. */
export async function askHandoffContent(options: AskContentOptions): Promise<HandoffDraft> {
  const { input, select, editor } = await prompts();
  const d = options.defaults;
  const required = (value: string) => (value.trim() === '' ? m.prompt.required : true);

  const title = d.title ?? (await input({ message: m.prompt.title, validate: required }, context));
  const summary = d.summary ?? (await input({ message: m.prompt.summary, validate: required }, context));

  let workstream = d.workstream;
  if (workstream === undefined && options.workstreams.length > 0) {
    const none = '\u0000none';
    const picked = await select(
      {
        message: m.prompt.workstream,
        choices: [
          ...options.workstreams.map((w) => ({ name: `${w.slug} — ${w.title}${w.status ? ` (${w.status})` : ''}`, value: w.slug })),
          { name: m.prompt.noWorkstream, value: none },
        ],
        default: options.suggestedWorkstream ?? undefined,
        pageSize: 12,
      },
      context,
    );
    workstream = picked === none ? null : picked;
  }

  const tags =
    d.tags ??
    splitTags(
      await input(
        {
          message: m.prompt.tags,
          validate: (value) => {
            const bad = splitTags(value).filter((t) => !TAG.test(t));
            return bad.length === 0 ? true : m.prompt.badTags(bad.join(', '));
          },
        },
        context,
      ),
    );

  const sections = { ...d.sections };
  if (!options.quick) {
    for (const [slot, label] of [
      ['shipped', m.prompt.shipped],
      ['decisions', m.prompt.decisions],
      ['openQuestions', m.prompt.openQuestions],
      ['nextSteps', m.prompt.nextSteps],
    ] as const) {
      if (sections[slot] !== undefined) continue;
      const items: string[] = [];
      for (;;) {
        const item = await input({ message: items.length === 0 ? m.prompt.list(label) : `${label} (${items.length + 1})` }, context);
        if (item.trim() === '') break;
        items.push(item);
      }
      sections[slot] = renderList(items);
    }
  }

  let resumePrompt = d.resumePrompt;
  let confidence: Confidence | undefined = d.confidence ?? undefined;
  if (resumePrompt === undefined) {
    const draft = draftResumePrompt(
      {
        title,
        summary,
        workstream: workstream ?? null,
        sections: { summary: '', shipped: '', decisions: '', openQuestions: '', nextSteps: '', extra: '', ...sections },
      },
      options.filesTouched,
    );
    options.show(`${m.prompt.resumeDraft(countWords(draft))}\n\n${draft}\n`);
    const choice = await select(
      {
        message: m.prompt.resumeChoice,
        choices: [
          { name: m.prompt.accept, value: 'accept' },
          { name: m.prompt.edit, value: 'edit' },
          { name: m.prompt.skip, value: 'skip' },
        ],
      },
      context,
    );
    if (choice === 'accept') resumePrompt = draft;
    else if (choice === 'edit') {
      const edited = splitConfidence(await editor({ message: m.prompt.resumeEdit, default: draft, postfix: '.md', waitForUserInput: false }, context));
      resumePrompt = edited.resumePrompt;
      confidence ??= edited.confidence;
    }
  }
  if (resumePrompt !== undefined && resumePrompt !== null && resumePrompt.trim() !== '' && confidence === undefined) {
    confidence = await select(
      {
        message: m.prompt.confidence,
        choices: [
          { name: 'high', value: 'high' as const },
          { name: 'medium', value: 'medium' as const },
          { name: 'low', value: 'low' as const },
        ],
      },
      context,
    );
  }

  return mergeDrafts(d, {
    title,
    summary,
    workstream: workstream ?? null,
    tags,
    sections,
    ...(resumePrompt === undefined ? {} : { resumePrompt }),
    ...(confidence === undefined ? {} : { confidence }),
  });
}
