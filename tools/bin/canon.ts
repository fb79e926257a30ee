#!/usr/bin/env node
// canon's entry point, built as one file. `canon resume` in its plain forms (`--json`, `--limit N`,
// `--operator X`, `--debug`) is the dashboard every session starts with: while the last run's
// snapshot holds, it prints it from this file alone, without starting git, the command-line parser,
// the validators or any other command's code (ADR-0016, ADR-0040).
// Everything else, and any resume the snapshot cannot answer, goes through the full command line.
import { plainResumeArgs } from './resume-args.js';

/** `canon ... | head` closes the pipe early; that is not an error. */
function quietOnClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
}

async function warmResume(): Promise<boolean> {
  const args = plainResumeArgs(process.argv.slice(2));
  if (args === null) return false;
  const [{ runWarmResume }, { directContext }] = await Promise.all([import('../commands/resume-warm.js'), import('./run.js')]);
  try {
    // Its own logger writes to the file descriptors: the streams (and their modules) stay unloaded.
    const outcome = await runWarmResume(args, directContext(args.json));
    if (outcome === null) return false;
    process.exitCode = outcome.exitCode;
    return true;
  } catch {
    return false; // the full command reports whatever went wrong
  }
}

if (!(await warmResume())) {
  quietOnClosedPipes();
  await (await import('./cli.js')).main();
}
