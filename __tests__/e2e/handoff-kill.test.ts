// `kill -9` of `canon handoff` at random moments and at each of its steps (ADR-0025), with real
// processes, real git, canon's hooks and a bare `origin`: whatever the kill hit, the next handoff,
// `session gc` and `doctor` leave no stub without a live owner, no temp file, no dirty CHANGELOG, and
// an unpushed handoff commit is announced with `git push`.
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../../tools/seeded-random.mjs';
import { CANON_BIN, createGitRepo, runCli, runCliAsync, spyOnRunner, type GitRepo } from '../helpers/git-repo.js';
import { workstreamNote } from '../helpers/notes.js';
import { asyncRepoTemplate, storeTemplate } from '../helpers/repo-template.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

const RESUME_PROMPT = 'Pick up where this session stopped: run the kill test again and read what the next handoff said. Confidence: high';

function handoffArgs(n: number, extra: string[] = []): string[] {
  return [
    'handoff',
    '--yes',
    '--quick',
    '--workstream',
    'hooks',
    '--title',
    `Kill ${n}`,
    '--summary',
    `Session ${n} shipped its part.`,
    '--resume-prompt',
    RESUME_PROMPT,
    ...extra,
  ];
}

interface Store {
  repo: GitRepo;
  env: NodeJS.ProcessEnv;
  origin: string;
}

/**
 * A clone with canon's hooks, one workstream committed through them, pushed to a bare origin: built once
 * for the file, copied for each test (the origin is copied with it).
 */
const template = storeTemplate({ hooks: true }, (repo) => {
  repo.write('workstreams/hooks.md', workstreamNote('hooks'));
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'init']);
  const origin = path.join(path.dirname(repo.dir), 'origin.git');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', origin], { env: repo.env });
  repo.git(['remote', 'add', 'origin', origin]);
  repo.git(['push', '-q', '-u', 'origin', 'main']);
});
afterAll(() => template.cleanup());

function store(): Store {
  const repo = template.copy();
  cleanups.push(() => repo.cleanup());
  return { repo, env: { ...repo.env, OPERATOR: 'roman' }, origin: path.join(path.dirname(repo.dir), 'origin.git') };
}

/**
 * Start a handoff in its own process group. `kill` sends SIGKILL to canon alone (as `kill -9 <pid>`
 * does), then waits until the git processes it had started (a commit and its hooks, a push) are done,
 * as they would be on a real machine before anyone runs the next command.
 */
function start(cwd: string, env: NodeJS.ProcessEnv, argv: string[]) {
  const child = spawn(process.execPath, [CANON_BIN, ...argv], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const groupGone = async () => {
    for (let i = 0; i < 600; i++) {
      try {
        process.kill(-child.pid!, 0);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("the killed handoff's git processes did not finish within 30 s");
  };
  return {
    exited,
    stderr: () => stderr,
    reached: (point: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => stderr.includes(`canon-test: paused at ${point}`) && resolve();
        child.stderr.on('data', check);
        void exited.then((code) => reject(new Error(`handoff exited (${code}) before ${point}:\n${stderr}`)));
      }),
    kill: async () => {
      try {
        process.kill(child.pid!, 'SIGKILL');
      } catch {
        // it had already finished
      }
      await exited;
      await groupGone();
    },
  };
}

const sessionNames = (repo: GitRepo) => readdirSync(path.join(repo.dir, 'docs/sessions'));
const stubs = (repo: GitRepo) =>
  sessionNames(repo).filter((n) => n.endsWith('.md') && /^---\nclaimed_at: /.test(readFileSync(path.join(repo.dir, 'docs/sessions', n), 'utf8')));
const temps = (repo: GitRepo) => [
  ...sessionNames(repo).filter((n) => n.endsWith('.tmp')),
  ...(existsSync(path.join(repo.dir, '.claude/state')) ? readdirSync(path.join(repo.dir, '.claude/state')).filter((n) => n.endsWith('.tmp')) : []),
];

function expectAllWell(repo: GitRepo, env: NodeJS.ProcessEnv): void {
  expect(stubs(repo)).toEqual([]);
  expect(temps(repo)).toEqual([]);
  expect(repo.git(['status', '--porcelain']).stdout).toBe('');
  const valid = runCli(['validate', '--all', '--strict'], { cwd: repo.dir, env });
  expect(valid.stderr).toMatch(/0 error\(s\)/);
  expect(valid.code).toBe(0);
  expect(runCli(['index', '--check'], { cwd: repo.dir, env }).code).toBe(0);
}

describe('kill -9 at random points of handoff', () => {
  test('10 seeded kills at increasing delays, then one handoff and gc: nothing is left behind', async () => {
    const { repo, env, origin } = store();
    const random = seededRandom(20_261_205);
    // A whole handoff sets the scale: the kills fall from its first millisecond to its end. It is the
    // clone's first (caches, the month page), slower than the ones killed after it: the kills that
    // find their run finished shrink the span below, as they do when load falls.
    const began = Date.now();
    const first = await runCliAsync(handoffArgs(0), { cwd: repo.dir, env });
    const measured = Date.now() - began;
    expect(first.stderr).not.toMatch(/internal error/);
    expect(first.code).toBe(0);
    let span = measured;

    // Kill i falls at a seeded point of the i-th tenth of a handoff: from its first millisecond
    // (Node's start-up) to its last (the push), the spread the 20 kills this test made before had, at
    // one kill per tenth instead of per twentieth. The kills do not aim at a step: the named steps
    // (claimed, note and CHANGELOG written, committed) are killed on purpose by the tests below.
    const KILLS = 10;
    let leftBehind = 0;
    for (let i = 0; i < KILLS; i++) {
      const run = start(repo.dir, env, handoffArgs(i + 1));
      const delay = Math.round((span * (i + random())) / KILLS);
      const finished = await Promise.race([run.exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), delay))]);
      if (!finished) await run.kill();
      // The machine got faster than the scale (load fell): later kills land inside the run again.
      else span = Math.round(span * 0.8);
      expect(run.stderr()).not.toMatch(/internal error/);
      const dirty = repo.git(['status', '--porcelain']).stdout.trim() !== '';
      const ahead = repo.git(['rev-list', '--count', 'origin/main..HEAD']).stdout.trim() !== '0';
      if (stubs(repo).length > 0 || dirty || ahead) leftBehind++;
      // Killed before it had done anything: the machine got slower than the scale (load rose, other
      // jest workers), so later kills move further into the run instead of all landing in Node's startup.
      else if (!finished) span = Math.min(Math.round(span * 1.25), 3 * measured);
    }

    // Kills did leave work behind for the next run (else this test proves nothing): a stub, an
    // unfinished note, a local commit. Each handoff clears the one before, so it is counted per kill.
    expect(leftBehind).toBeGreaterThan(0);

    const last = await runCliAsync(handoffArgs(99), { cwd: repo.dir, env });
    expect(last.stderr).not.toMatch(/internal error/);
    expect(last.code).toBe(0);
    expect(last.stdout).toMatch(/committed, pushed/);
    const gc = runCli(['session', 'gc', '--apply'], { cwd: repo.dir, env });
    expect(gc.code).toBe(0);

    expectAllWell(repo, env);
    // Everything committed reached origin; nothing is announced as unpushed.
    expect(execFileSync('git', ['--git-dir', origin, 'rev-parse', 'main'], { encoding: 'utf8' })).toBe(repo.git(['rev-parse', 'HEAD']).stdout);
    expect(runCli(['resume'], { cwd: repo.dir, env }).stderr).not.toMatch(/not pushed/);
    const doctor = runCli(['doctor', '--json'], { cwd: repo.dir, env });
    const problems = (JSON.parse(doctor.stdout) as { problems: Array<{ check: string }> }).problems;
    expect(problems.filter((p) => ['leftovers', 'unpushed', 'handoffs'].includes(p.check))).toEqual([]);
    // Minutes: 10 partial handoffs and their git processes, on a machine other jest workers share.
  }, 600_000);
});

describe('a handoff killed at each of its steps', () => {
  /**
   * A handoff killed after its claim, made once and copied (with its origin) for the two tests that
   * start there: one clears the stub with doctor and gc, the other with the next handoff.
   */
  const killedAfterClaim = asyncRepoTemplate(async () => {
    const repo = template.copy();
    const run = start(repo.dir, { ...repo.env, OPERATOR: 'roman', CANON_TEST_PAUSE_AT: 'handoff:locked' }, handoffArgs(1));
    await run.reached('handoff:locked');
    await run.kill();
    return repo;
  });
  afterAll(() => killedAfterClaim.cleanup());

  async function afterKilledClaim(): Promise<Store> {
    const repo = await killedAfterClaim.copy();
    cleanups.push(() => repo.cleanup());
    return { repo, env: { ...repo.env, OPERATOR: 'roman' }, origin: path.join(path.dirname(repo.dir), 'origin.git') };
  }

  test('killed after its claim: doctor names the stub, gc removes it at once, and a pull of that id from another clone works', async () => {
    const { repo, env, origin } = await afterKilledClaim();
    const [stub] = stubs(repo);
    expect(stub).toMatch(/^RT-\d{6}-01\.md$/);
    expect(repo.read(`docs/sessions/${stub}`)).toMatch(/\nclaimed_by: \d+@/);
    // The stub is valid as it is (docs/contract.md §3.3 plus its owner).
    expect(runCli(['validate', `docs/sessions/${stub}`], { cwd: repo.dir, env }).code).toBe(0);

    // Another clone pushes the same id.
    const other = path.join(path.dirname(repo.dir), 'other');
    execFileSync('git', ['clone', '-q', origin, other], { env: repo.env });
    const otherRepo = createGitRepo({ existing: other, operators: false });
    cleanups.push(() => otherRepo.cleanup());
    const pushed = await runCliAsync(handoffArgs(2), { cwd: other, env: { ...otherRepo.env, OPERATOR: 'roman' } });
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).toContain(`${stub!.replace(/\.md$/, '')}  `);

    const doctor = runCli(['doctor'], { cwd: repo.dir, env });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(`docs/sessions/${stub} is a claim stub left by a handoff that is gone`);
    // gc does not wait 24 hours for a stub whose handoff is gone.
    const gc = runCli(['session', 'gc', '--apply'], { cwd: repo.dir, env });
    expect(gc.stdout).toContain(`docs/sessions/${stub}`);
    expect(stubs(repo)).toEqual([]);
    const pull = repo.git(['pull', '-q', '--rebase'], { allowFail: true });
    expect(pull.stderr).not.toMatch(/untracked working tree files would be overwritten/);
    expect(pull.code).toBe(0);
    expect(repo.read(`docs/sessions/${stub}`)).toContain('title: Kill 2');
  }, 120_000);

  test("a live handoff's stub is never touched by gc or doctor --fix; once it is gone, doctor --fix removes it", async () => {
    const { repo, env } = store();
    const run = start(repo.dir, { ...env, CANON_TEST_PAUSE_AT: 'handoff:locked' }, handoffArgs(1));
    cleanups.push(() => void run.kill());
    await run.reached('handoff:locked');
    const [stub] = stubs(repo);
    expect(runCli(['session', 'gc', '--apply', '--older-than', '1s'], { cwd: repo.dir, env }).code).toBe(0);
    runCli(['doctor', '--fix'], { cwd: repo.dir, env });
    expect(stubs(repo)).toEqual([stub]);
    // Once its process is gone, doctor --fix removes it.
    await run.kill();
    const fixed = runCli(['doctor', '--fix', '--json'], { cwd: repo.dir, env });
    expect(JSON.parse(fixed.stdout).problems).not.toContainEqual(expect.objectContaining({ check: 'leftovers' }));
    expect(stubs(repo)).toEqual([]);
  }, 120_000);

  test('killed after its claim: the next handoff removes the stub and takes the id', async () => {
    const { repo, env } = await afterKilledClaim();
    const [stub] = stubs(repo);
    // Temp files of processes killed between their create and their unlink (a pid that is gone).
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    repo.write(`.claude/state/handoff.lock.${gone}-k3j9x0ab.tmp`, '');
    repo.write(`.claude/state/handoff.lock.${gone}-k3j9x0ab.stale.tmp`, '{}');
    repo.write(`docs/sessions/.claim-${gone}-9f0c1ab2e3d4.tmp`, '---\n');
    expect(temps(repo)).toHaveLength(3);
    // And a note write killed before its rename, two minutes ago (write-file-atomic's temp name).
    const atomic = repo.write('CHANGELOG.md.2914003687', '# Changelog\n');
    utimesSync(atomic, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    const next = await runCliAsync(handoffArgs(2), { cwd: repo.dir, env });
    expect(next.code).toBe(0);
    expect(next.stderr).toContain(`Removed 1 claim stub(s) left by killed handoffs: docs/sessions/${stub}`);
    expect(next.stdout).toContain(`${stub!.replace(/\.md$/, '')}  `);
    expect(existsSync(atomic)).toBe(false);
    expectAllWell(repo, env);
  }, 120_000);

  test('the /handoff draft of a handoff that is done does not stay in .canon/; killed after writing its note and CHANGELOG entry: finished by the next handoff, CHANGELOG.md not left modified', async () => {
    const { repo, env } = store();
    // CHANGELOG.md is committed already (an earlier handoff): the killed run's entry edits it. That
    // earlier handoff is the one from a /handoff draft, checked on its own before the kill.
    const draft = '.canon/handoff-0d9c2b7e.json';
    repo.write(draft, JSON.stringify({ title: 'From a draft', summary: 'Drafted and handed off.', quick: true, resume_prompt: RESUME_PROMPT }));
    const done = await runCliAsync(['handoff', '--yes', '--from', draft], { cwd: repo.dir, env });
    expect(done.code).toBe(0);
    expect(repo.exists(draft)).toBe(false);
    expectAllWell(repo, env);
    expect(repo.exists('CHANGELOG.md')).toBe(true);

    const run = start(repo.dir, { ...env, CANON_TEST_PAUSE_AT: 'handoff:session-logged' }, handoffArgs(1));
    await run.reached('handoff:session-logged');
    await run.kill();
    expect(repo.read('CHANGELOG.md')).toContain('Kill 1');
    const calls = spyOnRunner(repo);
    const next = await runCliAsync(handoffArgs(2), { cwd: repo.dir, env });
    expect(next.stderr).not.toMatch(/internal error/);
    expect(next.code).toBe(0);
    expect(next.stderr).toMatch(/Finished the unfinished handoff RT-\d{6}-02/);
    // Both commits (the finished-late note's, then its own) had their pre-commit work done by the
    // handoff (ADR-0037): canon's hook started no node for either; what they hold is checked below.
    expect(repo.git(['log', '--format=%s', '-2']).stdout).toMatch(/^session RT-\d{6}-03: Kill 2\nsession RT-\d{6}-02: Kill 1\n$/);
    expect(calls()).not.toContain('pre-commit');
    expect(repo.git(['show', 'HEAD:CHANGELOG.md']).stdout).toMatch(/Kill 1[\s\S]*Kill 2|Kill 2[\s\S]*Kill 1/);
    expectAllWell(repo, env);
  }, 120_000);

  test('killed after its commit: resume, doctor and the next handoff say it is not pushed and name `git push`', async () => {
    const { repo, env, origin } = store();
    const run = start(repo.dir, { ...env, CANON_TEST_PAUSE_AT: 'handoff:committed' }, handoffArgs(1));
    await run.reached('handoff:committed');
    await run.kill();
    const id = /session (RT-\d{6}-\d{2}):/.exec(repo.git(['log', '-1', '--format=%s']).stdout)![1]!;
    expect(repo.git(['rev-list', '--count', 'origin/main..HEAD']).stdout.trim()).toBe('1');

    const resume = runCli(['resume'], { cwd: repo.dir, env });
    expect(resume.code).toBe(0);
    expect(resume.stderr).toContain(`The handoff commit of ${id} is not pushed to main: run \`git push\`.`);
    const warm = runCli(['resume'], { cwd: repo.dir, env });
    expect(warm.stderr).toContain(`The handoff commit of ${id} is not pushed to main`);
    const doctor = runCli(['doctor', '--json'], { cwd: repo.dir, env });
    expect(doctor.code).toBe(1);
    expect(JSON.parse(doctor.stdout).problems).toContainEqual(expect.objectContaining({ check: 'unpushed', fix: 'git push' }));

    const next = await runCliAsync(handoffArgs(2), { cwd: repo.dir, env });
    expect(next.code).toBe(0);
    expect(next.stderr).toContain(`Earlier handoff commit(s) of ${id} were not pushed; this handoff's push sends them too.`);
    expect(execFileSync('git', ['--git-dir', origin, 'rev-parse', 'main'], { encoding: 'utf8' })).toBe(repo.git(['rev-parse', 'HEAD']).stdout);
    expect(runCli(['resume'], { cwd: repo.dir, env }).stderr).not.toMatch(/not pushed/);
    expectAllWell(repo, env);
  }, 120_000);

  test('a push that fails is announced by resume until `git push` is run', async () => {
    const { repo, env } = store();
    repo.git(['remote', 'set-url', '--push', 'origin', path.join(path.dirname(repo.dir), 'nowhere.git')]);
    const done = await runCliAsync(handoffArgs(1), { cwd: repo.dir, env });
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('not pushed');
    expect(runCli(['resume'], { cwd: repo.dir, env }).stderr).toMatch(/is not pushed to main: run `git push`/);
    repo.git(['remote', 'set-url', '--push', 'origin', path.join(path.dirname(repo.dir), 'origin.git')]);
    repo.git(['push', '-q']);
    expect(runCli(['resume'], { cwd: repo.dir, env }).stderr).not.toMatch(/not pushed/);
    expect(existsSync(path.join(repo.dir, '.claude/state/unpushed'))).toBe(true);
    expect(readdirSync(path.join(repo.dir, '.claude/state/unpushed'))).toEqual([]);
  }, 120_000);
});
