/** Where `canon init --ci` puts canon's CI workflow. */
export const CI_WORKFLOW = '.github/workflows/canon.yml';

/**
 * The GitHub Actions workflow of `canon init --ci`: `canon verify` on every pull request and push,
 * over the whole history the event brings (fetch-depth 0), so a secret added and deleted again in
 * the range is found. A new branch's push has an all-zero `before`, and a force push's `before` is
 * no longer fetched: then only HEAD is checked.
 */
export function renderCiWorkflow(): string {
  return `# canon's gate nobody can skip: on every pull request and push, the committed notes must be valid,
# normalised, indexed, linked and free of secrets, in every commit the event brings.
# Written by \`canon init --ci\` (README, "The gates"); \`canon uninstall\` removes it while unchanged.
name: canon

on:
  pull_request:
  push:

permissions:
  contents: read

jobs:
  verify:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci --no-audit --no-fund
      - name: canon verify
        env:
          SINCE: \${{ github.event.pull_request.base.sha || github.event.before }}
        run: |
          since="$SINCE"
          # A new branch's push has an all-zero "before", a force push's "before" is gone: check HEAD only.
          if [ -n "$since" ] && ! git cat-file -e "$since^{commit}" 2>/dev/null; then since=""; fi
          npx canon-notes verify --since "$since"
`;
}
