/**
 * canon's Claude Code plugin for a repository with no package.json (ADR-0031): the same plugin, its
 * skills' `npm run` commands (which need canon's package.json scripts) rewritten to start the CLI by
 * a command line that works there. Sample of what the shipped skills say:
 *
 *     allowed-tools: Edit(.canon/**), Bash(npm run handoff -- --from:*), Bash(npm run --silent canon -- session commits:*)
 *     !`npm run --silent resume -- --json`
 */
const NPM_RUN = /npm run (?:--silent )?([a-z]+)(?: --(?= )|(?=:\*))/g;

export function renderLinkedSkill(text: string, cli: string): string {
  return text.replace(NPM_RUN, (_all, script: string) => (script === 'canon' ? cli : `${cli} ${script}`));
}
