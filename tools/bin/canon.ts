#!/usr/bin/env node
// canon's entry point, built as one file. `canon resume` in its plain forms (`--json`, `--limit N`,
// `--operator X`, `--debug`) is the dashboard every session starts with: while the last run's
// snapshot holds, it prints it from this file alone, with its one git process started first and
// without the command-line parser, the validators or any other command's code (ADR-0016).
// Everything else, and any resume the snapshot cannot answer, goes through the full command line.
import { findDotGit } from '../io/dot-git.js';
import { prestartSnapshotCheck } from '../io/resume-snapshot.js';
import { plainResumeArgs } from './resume-args.js';

// `canon ... | head` closes the pipe early; that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

async function warmResume(): Promise<boolean> {
  const args = plainResumeArgs(process.argv.slice(2));
  if (args === null) return false;
  const root = findDotGit(process.cwd());
  if (root !== null) prestartSnapshotCheck(root);
  const [{ runWarmResume }, { context }] = await Promise.all([import('../commands/resume-warm.js'), import('./run.js')]);
  try {
    const outcome = await runWarmResume(args, context({}, args.json));
    if (outcome === null) return false;
    process.exitCode = outcome.exitCode;
    return true;
  } catch {
    return false; // the full command reports whatever went wrong
  }
}

if (!(await warmResume())) await (await import('./cli.js')).main();
