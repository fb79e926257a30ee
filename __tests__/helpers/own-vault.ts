/** How canon's own repository is an Obsidian vault: its templates/ folder, and its code kept out of search. */
export const CANON_OWN_VAULT = {
  templates: 'templates',
  ignore: ['tools/', '__tests__/', 'schemas/', 'workers/', '.husky/', '.bench/'],
};
