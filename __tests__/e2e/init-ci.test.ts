import { afterEach, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { createGitRepo, runCli, type GitRepo } from '../helpers/git-repo.js';

const WORKFLOW = '.github/workflows/canon.yml';
const repos: GitRepo[] = [];
afterEach(() => {
  while (repos.length > 0) repos.pop()!.cleanup();
});

function teamRepo(files: Record<string, string> = {}): GitRepo {
  const repo = createGitRepo({ files: { 'package.json': '{"name":"team","version":"1.0.0","devDependencies":{"canon-notes":"*"}}\n', ...files } });
  repos.push(repo);
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'team']);
  return repo;
}

const init = (repo: GitRepo, ...args: string[]) => runCli(['init', '--yes', ...args], { cwd: repo.dir, env: repo.env });

test('init --ci adds the verify workflow: pull requests and pushes, full history, --since the base or "before"; uninstall takes it back', () => {
  const repo = teamRepo();
  expect(init(repo).code).toBe(0);
  expect(repo.exists(WORKFLOW)).toBe(false);
  const r = init(repo, '--ci');
  expect(r.code).toBe(0);
  const text = repo.read(WORKFLOW);
  const workflow = parse(text) as { on: Record<string, unknown>; jobs: { verify: { steps: Array<Record<string, unknown>> } } };
  expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
  const steps = workflow.jobs.verify.steps;
  expect(steps[0]).toMatchObject({ uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } });
  expect(steps.some((s) => String(s.uses).startsWith('actions/setup-node'))).toBe(true);
  const verify = steps.find((s) => s.name === 'canon verify')!;
  expect(verify.env).toEqual({ SINCE: '${{ github.event.pull_request.base.sha || github.event.before }}' });
  expect(String(verify.run)).toContain('npx canon-notes verify --since "$since"');
  // The all-zero "before" of a new branch (and a force push's lost one) is not a commit here: HEAD only.
  expect(String(verify.run)).toContain('git cat-file -e "$since^{commit}"');

  expect(init(repo, '--ci', '--json').stdout).not.toContain(WORKFLOW); // a second run changes nothing
  expect(runCli(['uninstall', '--yes'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
  expect(repo.exists(WORKFLOW)).toBe(false);
});

test('init --ci never overwrites a canon.yml the team wrote', () => {
  const repo = teamRepo({ [WORKFLOW]: 'name: ours\n' });
  const r = init(repo, '--ci');
  expect(r.code).toBe(0);
  expect(r.stderr).toContain(`${WORKFLOW} exists and is not canon's: kept as it is`);
  expect(repo.read(WORKFLOW)).toBe('name: ours\n');
});
