// canon's command line: every command, its options and help. With canon.ts (the entry) and run.ts,
// the only modules that touch argv, process.exit and the real console. Each command is loaded
// lazily, so no command pays for another's modules (ajv, the Notion client).
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../io/schemas.js';
import { Command, CommanderError, Option } from 'commander';
import type { CommandContext, CommandOutcome } from '../context.js';
import { errorMessage, ExitCode, UsageError } from '../errors.js';
import { handoffQueueMessages } from '../messages/handoff-queue.js';
import { messages } from '../messages/index.js';
import { context, report } from './run.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  the work failed (invalid notes, a failed git or Notion step)
  2  usage or configuration error`;

interface GlobalOptions {
  cwd?: string;
  debug?: boolean;
  json?: boolean;
}

// Options are validated by commander and typed by each command module.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Runner = (options: any, ctx: CommandContext) => Promise<CommandOutcome>;

/** Wrap a lazily imported runner as a commander action; the one catch site maps errors to exit codes. */
function action(load: () => Promise<Runner>, mapArgs?: (args: unknown[]) => Record<string, unknown>) {
  return async (...raw: unknown[]) => {
    const command = raw.at(-1) as Command;
    const opts = command.optsWithGlobals<Record<string, unknown> & GlobalOptions>();
    const args = raw.slice(0, -2);
    const options = { ...opts, ...(mapArgs ? mapArgs(args) : {}) };
    const ctx = context(opts, Boolean(opts.json));
    try {
      if (opts.cwd !== undefined) checkFolder(opts.cwd);
      const run = await load();
      const outcome = await run(options, ctx);
      process.exitCode = outcome.exitCode;
    } catch (error) {
      process.exitCode = report(error, ctx, Boolean(opts.debug));
    }
  };
}

/** `--cwd` must name a folder: otherwise git's spawn fails with ENOENT, which reads as "git is not installed". */
function checkFolder(dir: string): void {
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    throw new UsageError(messages.repo.noFolder(dir), messages.repo.folderHint);
  }
  if (!stat.isDirectory()) throw new UsageError(messages.repo.notAFolder(dir), messages.repo.folderHint);
}

const paths = (args: unknown[]) => ({ paths: (args[0] as string[] | undefined) ?? [] });

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The version of the installed package (its package.json beside schemas/). */
function canonVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function buildProgram(): Command {
  const program = new Command('canon')
    .description('The git repository as the canonical store of AI-coding-session notes.')
    .option('--cwd <dir>', 'run as if canon was started in <dir>')
    .option('--debug', 'print stack traces for internal errors')
    .version(canonVersion(), '-V, --version', "print canon's version")
    .addHelpText('after', EXIT_CODES_HELP)
    .showSuggestionAfterError()
    .exitOverride();

  program
    .command('validate')
    .description('check notes against their schemas and the store rules')
    .argument('[paths...]', 'note files to check (each must exist; docs\\sessions\\X.md is read as docs/sessions/X.md)')
    .option('--all', 'check every note in the store, with cross-file checks')
    .option('--staged', 'check the notes staged for commit, as staged')
    .option('--strict', 'also require a current content_hash (what CI uses)')
    .option('--json', 'print {files, errors, warnings, issues} as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(action(async () => (await import('../commands/validate.js')).runValidate as Runner, paths));

  program
    .command('normalize')
    .description('rewrite notes in canonical key order with a fresh content_hash')
    .argument('[paths...]', 'note files to normalise (each must exist; backslashes are read as /)')
    .option('--all', 'every note in the store')
    .option('--check', 'change nothing; exit 1 if any file would change')
    .option('--json', 'print {changed} as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(action(async () => (await import('../commands/normalize.js')).runNormalize as Runner, paths));

  program
    .command('index')
    .description('regenerate the INDEX.md files of the store')
    .option('--check', 'change nothing; exit 1 if any INDEX is out of date')
    .option('--staged', 'update only the rows of staged notes and stage the INDEX files (pre-commit)')
    .option('--json', 'print {changed} as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(action(async () => (await import('../commands/index-files.js')).runIndex as Runner));

  program
    .command('links')
    .description('links between notes: check them, rewrite [[wikilinks]] as relative links, or list the notes that link to one')
    .argument('[id]', 'list the notes that link to this note (RT-260511-02, WS-<slug> or a workstream slug, PLAN-x, ADR-0003, LRN-x)')
    .option('--check', 'change nothing; exit 1 if a wikilink is left or names no note (what CI runs); broken relative links are warnings')
    .option('--fix', 'rewrite every [[wikilink]] in the working files as the commit does, and say what changed')
    .option('--json', 'print {files, errors, warnings, issues, changed} (or {id, path, backlinks}) as JSON')
    .addHelpText(
      'after',
      `
Wikilinks: [[RT-260511-02]], [[RT-260511-02|text]], [[RT-260511-02#Resume Prompt]], [[<workstream slug>]],
[[WS-x]], [[PLAN-x]], [[ADR-0003]], [[LRN-x]] become [text](relative/path.md#anchor) on commit.
Code spans and code blocks are never touched. Without --check, --fix or an id, canon links checks.
${EXIT_CODES_HELP}`,
    )
    .action(
      action(
        async () => (await import('../commands/links.js')).runLinks as Runner,
        (args) => ({ id: args[0] as string | undefined }),
      ),
    );

  program
    .command('verify')
    .description('check the committed store as CI sees it: validate --strict, normalize --check, index --check, links --check and the secret scan, in one run')
    .option('--since <ref>', 'also scan every note blob the commits <ref>..HEAD add or change (a secret added and deleted again in the range is still found)')
    .option(
      '--json',
      'print {ok, checks:{validate, normalize, index, links, secrets}, issues:[{file, line, column, severity, rule, message, commit?}]} as JSON',
    )
    .addHelpText(
      'after',
      `
Reads HEAD, never untracked or uncommitted files: when the store in the working tree differs from
HEAD, the checks run in a temporary checkout of HEAD. Changes nothing. In CI (what \`canon init --ci\`
adds): npx canon-notes verify --since <the pull request's base, or the push's "before">.
An all-zero --since (a new branch's "before") checks HEAD only.
${EXIT_CODES_HELP.replace('invalid notes, a failed git or Notion step', 'any check found an error')}`,
    )
    .action(action(async () => (await import('../commands/verify.js')).runVerify as Runner));

  program
    .command('index-merge', { hidden: true })
    .description('git merge driver for INDEX.md: merges rows by note id')
    .argument('<base>')
    .argument('<ours>')
    .argument('<theirs>')
    .argument('[path]')
    .action(
      action(
        async () => (await import('../commands/index-merge.js')).runIndexMerge as Runner,
        (args) => ({ base: args[0], ours: args[1], theirs: args[2], path: args[3] }),
      ),
    );

  program
    .command('setup')
    .description(
      "lay this clone's canon wiring: hook runner, husky hooks for every worktree, INDEX merge driver (the package manager's install runs it: npm's prepare, yarn's postinstall)",
    )
    .option('--json', 'print {runner, hooksPath, mergeDriver} as JSON')
    .action(action(async () => (await import('../commands/setup.js')).runSetup as Runner));

  program
    .command('init')
    .description(
      'wire canon into this repository: hooks (merged into yours), merge driver, the Claude Code plugin (migrating .claude/commands of earlier versions), operators, store folders',
    )
    .option('--yes', 'apply without asking')
    .option('--dry-run', 'print the plan only')
    .option('--notion-workflow', 'also add the GitHub Actions Notion sync workflow')
    .option('--ci', 'also add .github/workflows/canon.yml: `canon verify` on every pull request and push (never over a workflow canon did not write)')
    .option('--obsidian', 'also make the repository an Obsidian vault: .obsidian/ baseline, templates in docs/templates/, per-user files git-ignored')
    .option(
      '--package <spec>',
      'with no package.json (canon as a node hook of the pre-commit framework): what the framework installs (default canon-notes@<this version>; a tarball or another registry spec)',
    )
    .option('--json', 'print {dry_run, hook_system, files, git_config, warnings, applied, backfill} as JSON')
    .action(action(async () => (await import('../commands/init.js')).runInit as Runner));

  program
    .command('uninstall')
    .description("take canon's wiring out again: blocks, entries, git config; your files come back as they were, notes are kept")
    .option('--yes', 'apply without asking')
    .option('--dry-run', 'print the plan only')
    .option('--json', 'print {dry_run, files, applied} as JSON')
    .action(action(async () => (await import('../commands/init.js')).runUninstall as Runner));

  program
    .command('doctor')
    .description('check that canon is wired in this worktree: hooks active, merge driver, operators, Node; one line per problem with its fix')
    .option('--fix', 'repair what `canon setup` can repair, remove what killed handoffs left, then check again')
    .option('--json', 'print {ok, fixed, problems:[{check, message, fix, fixable}]} as JSON')
    .addHelpText('after', '\nExit codes:\n  0  everything is wired\n  1  at least one problem (each printed with the command that fixes it)\n  2  usage error')
    .action(action(async () => (await import('../commands/doctor.js')).runDoctor as Runner));

  program
    .command('probe', { hidden: true })
    .description("load what canon's git hooks load (the CLI, its validators and their dependencies); `canon doctor` runs it through the hook runner")
    .action(action(async () => (await import('../commands/probe.js')).runProbe as Runner));

  program
    .command('pre-commit', { hidden: true })
    .description("canon's pre-commit hook: normalise, validate and scan the staged notes in the index (with paths: check those files on disk)")
    .argument('[paths...]')
    .action(action(async () => (await import('../hooks/git/pre-commit.js')).runPreCommit as Runner, paths));

  program
    .command('git-hook', { hidden: true })
    .description("canon's git hooks as the pre-commit framework's node hooks run them (no package.json): lays this clone's wiring, then runs the hook")
    .argument('<name>', 'pre-commit, post-commit, pre-push, post-rewrite, post-merge, or setup')
    .action(
      action(
        async () => (await import('../hooks/git/git-hook.js')).runGitHook as Runner,
        (args) => ({ name: args[0] }),
      ),
    );

  program
    .command('post-commit', { hidden: true })
    .description('refresh local derived state after a commit (never edits tracked files)')
    .action(action(async () => (await import('../hooks/git/post-commit.js')).runPostCommit as Runner));

  program
    .command('post-rewrite', { hidden: true })
    .description('after an amend or a rebase: restamp the notes it committed in a follow-up commit, or say what to run (ADR-0024)')
    .argument('[command]', 'amend or rebase (git passes it)')
    .action(
      action(
        async () => {
          // git passes `<old sha> <new sha>` per rewritten commit on stdin.
          const input = await readStdin();
          const { runPostRewrite } = await import('../hooks/git/post-rewrite.js');
          return ((options, ctx) => runPostRewrite({ ...options, input }, ctx)) as Runner;
        },
        (args) => ({ command: args[0] }),
      ),
    );

  program
    .command('post-merge', { hidden: true })
    .description('after a merge or pull: restamp the notes it committed in a follow-up commit, or say what to run (ADR-0024)')
    .argument('[squash]', '1 for a squash merge (git passes it)')
    .action(
      action(
        async () => (await import('../hooks/git/post-rewrite.js')).runPostMerge as Runner,
        (args) => ({ squash: args[0] }),
      ),
    );

  program
    .command('pre-push', { hidden: true })
    .description(
      'the push gate: refuse a push whose commits hold a note the commit door would refuse (a secret in any pushed version; invalid, unnormalised, badly linked or wrongly indexed at the tip), or a session id that already exists upstream with other content',
    )
    .argument('[remote]')
    .argument('[url]')
    .action(
      action(
        async () => {
          // git passes the refs being pushed on stdin: `<local ref> <local sha> <remote ref> <remote sha>` per line.
          const refs = await readStdin();
          const { runPrePush } = await import('../hooks/git/pre-push.js');
          return ((options, ctx) => runPrePush({ ...options, refs }, ctx)) as Runner;
        },
        (args) => ({ remote: args[0], url: args[1] }),
      ),
    );

  const session = program.command('session').description('operators and session ids');
  session
    .command('whoami')
    .description('resolve who is writing: --email, $OPERATOR, $CLAUDE_USER_EMAIL, git config user.email')
    .option('--email <email>', 'resolve this email')
    .option('--json', 'print {slug, initials, name, email, source} as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(action(async () => (await import('../commands/session-whoami.js')).runSessionWhoami as Runner));
  session
    .command('claim')
    .description('claim the next free session id <INITIALS>-YYMMDD-NN and write its stub')
    .option('--operator <slug>', 'operator slug or initials (default: whoami)')
    .option('--date <YYYY-MM-DD>', 'date of the id (default: today, local time, TZ honoured)')
    .option('--json', 'print {id, path, operator} as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(action(async () => (await import('../commands/session-claim.js')).runSessionClaim as Runner));
  session
    .command('gc')
    .description('list (or remove with --apply) claim stubs of handoffs that are gone or old, telemetry of ended sessions, and archived telemetry')
    .option(
      '--older-than <age>',
      'claim stubs claimed longer ago than this (such as 24h, 90m, 7d); a stub whose handoff is gone goes at once, one whose handoff runs never',
      '24h',
    )
    .option('--telemetry-older-than <age>', 'session journals/state files (.claude/state/session-*) not written for this long', '7d')
    .option('--archive-older-than <age>', 'archived telemetry (.claude/state/archive/*) older than this', '30d')
    .option('--apply', 'remove them (without it, only list them)')
    .option('--json', 'print {dry_run, stale, removed} as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(action(async () => (await import('../commands/session-gc.js')).runSessionGc as Runner));
  session
    .command('commits')
    .description(
      "this Claude Code session's commits: those canon's post-commit recorded for it since it started or since its last handoff, with those of the session a /clear ended to start it (a clone with no record: every commit since the session started)",
    )
    .option('--session-id <id>', 'Claude Code session id (default: $CLAUDE_CODE_SESSION_ID, $CLAUDE_SESSION_ID, the only live session)')
    .option('--json', 'print {session_id, since, source, commits:[{sha, subject}]} as JSON (source: recorded, since or recent)')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(action(async () => (await import('../commands/session-commits.js')).runSessionCommits as Runner));
  session
    .command('rename')
    .description('move a session note to the next free id (before `git pull --rebase`); a staged note stays staged, with only the rename added')
    .argument('<id>', 'the session id to rename')
    .option('--json', 'print {from, to, path} as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(
      action(
        async () => (await import('../commands/session-rename.js')).runSessionRename as Runner,
        (args) => ({ id: args[0] }),
      ),
    );

  program
    .command('commands')
    .description('Claude Code slash commands')
    .command('generate')
    .description('write the per-operator Claude Code skills .claude/skills/handoff-<initials>/ and resume-<initials>/')
    .addOption(new Option('--staged', 'pre-commit: generate from the staged operators.yaml and stage the wrappers').hideHelp())
    .option('--json', 'print {written} as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(action(async () => (await import('../commands/commands-generate.js')).runCommandsGenerate as Runner));

  program
    .command('handoff')
    .description('write, commit and push the session note')
    .option('--operator <slug>', 'operator slug or initials (default: whoami)')
    .option('--from <file>', 'read content from file.json, file.md, or - for JSON on stdin')
    .option('--quick', 'write the quick form: Summary and Resume Prompt')
    .option('--title <text>', 'title (any text field holding a control or bidi character is refused, exit 2, before an id is claimed)')
    .option('--summary <text>', 'one-paragraph summary')
    .option('--workstream <slug>', 'workstream slug')
    .option('--tags <a,b>', 'comma-separated kebab-case tags')
    .option('--resume-prompt <text>', 'the Resume Prompt (80-150 words)')
    .addOption(new Option('--confidence <level>', 'confidence of the Resume Prompt').choices(['high', 'medium', 'low']))
    .option(
      '--session-id <id>',
      'Claude Code session id whose telemetry to read (default: $CLAUDE_CODE_SESSION_ID, $CLAUDE_SESSION_ID, else the one live session; several live: refused)',
    )
    .option('--yes', 'do not ask for confirmation')
    .option('--no-commit', 'write and stage only')
    .option('--no-push', 'commit but do not push')
    .option('--json', 'print {id, path, committed, pushed, warnings} as JSON')
    .addHelpText('after', handoffQueueMessages.help)
    .addHelpText('after', EXIT_CODES_HELP)
    .action(
      action(async () => {
        // `--from -` reads the JSON on stdin (how Claude Code calls it); only then is stdin read.
        const { runHandoffWithNotice } = await import('../commands/handoff-notice.js');
        return ((options, ctx) => runHandoffWithNotice({ ...options, readStdin }, ctx)) as Runner;
      }),
    );

  program
    .command('resume')
    .description("print the operator's dashboard: last session and Resume Prompt, workstreams, peers")
    .option('--operator <slug>', 'operator slug or initials (default: whoami)')
    .option('--limit <n>', 'how many of your sessions to list', '5')
    .option('--no-cache', 'read the whole store: ignore the snapshot and rebuild the cache')
    .option('--json', 'print the dashboard data as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(action(async () => (await import('../commands/resume.js')).runResume as Runner));

  program
    .command('backfill')
    .description(
      'bring a legacy store up to the schemas, reading adr-tools, MADR and log4brains ADRs and renaming them to NNNN-<slug>.md (dry run unless --apply)',
    )
    .option('--apply', 'write the files, git mv the renames, and make one commit')
    .option('--json', 'print {dry_run, changed, renamed, commit, files} as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(action(async () => (await import('../commands/backfill.js')).runBackfill as Runner));

  program
    .command('sync')
    .description('mirror notes into a Notion database (dry run unless --apply)')
    .option('--apply', 'send the changes to Notion')
    .option('--kinds <list>', 'comma-separated kinds to sync (default: all)')
    .option('--rps <n>', 'requests per second to Notion (default: notion.requests_per_second, 3)')
    .option('--commit', 'commit the write-backs and docs/sync/LAST_SYNC.md in one commit (only sync metadata, on top of the committed notes)')
    .option('--json', 'print {dry_run, notion_version, counts, requests, planned_requests, actions} as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(action(async () => (await import('../commands/sync.js')).runSync as Runner));

  program
    .command('render')
    .description('write the store as a static HTML site: one page per note, the INDEX pages as navigation (only changed notes are rendered again)')
    .option('--out <dir>', 'the site folder: new, empty, or made by canon render (default: site/ at the repository root, git-ignored)')
    .option('--force', 'render every page again, changed or not')
    .option('--json', 'print {out, pages, written, unchanged, removed, problems, skipped} as JSON')
    .addHelpText(
      'after',
      `
Pages have <meta> from the frontmatter, links between notes go to their pages, no JavaScript and
nothing from the network. Only files canon render wrote (listed in <out>/.canon-render.json) are
ever replaced or removed. A note that cannot be read is reported as file:line:col and has no page.
` + EXIT_CODES_HELP,
    )
    .action(action(async () => (await import('../commands/render.js')).runRender as Runner));

  const hook = program.command('hook').description('Claude Code hooks (the committed bundles in .claude/hooks/ do the same work faster)');
  hook
    .command('post-tool-use')
    .description('count a tool call, successful or failed (PostToolUse, PostToolUseFailure; reads the hook JSON on stdin; always exits 0)')
    .action(async () => {
      const [{ runPostToolUseHook }, { processHookContext }] = await Promise.all([import('../hooks/claude/post-tool-use.js'), import('./hook-context.js')]);
      runPostToolUseHook(processHookContext());
      process.exitCode = 0;
    });
  hook
    .command('session')
    .description('SessionStart (print the resume context for the model) and SessionEnd (mark the session ended); always exits 0')
    .action(async () => {
      const [{ runSessionHookMain }, { processHookContext }] = await Promise.all([import('../hooks/claude/session.js'), import('./hook-context.js')]);
      await runSessionHookMain(processHookContext()).catch(() => undefined);
      process.exitCode = 0;
    });

  program
    .command('telemetry')
    .description('session telemetry recorded by the PostToolUse hook')
    .command('show')
    .description("print a session's telemetry state")
    .option('--session-id <id>', 'Claude Code session id (default: $CLAUDE_CODE_SESSION_ID, $CLAUDE_SESSION_ID, else the newest state file)')
    .option('--json', 'print the state as JSON')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(action(async () => (await import('../commands/telemetry-show.js')).runTelemetryShow as Runner));

  return program;
}

export async function main(): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; anything else commander rejects is a usage error.
      process.exitCode = error.exitCode === 0 ? 0 : ExitCode.usage;
      return;
    }
    process.stderr.write(`canon: internal error: ${errorMessage(error)}\n`);
    process.exitCode = ExitCode.failed;
  }
}
