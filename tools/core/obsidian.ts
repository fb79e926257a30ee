// The `.obsidian/` baseline (`canon init --obsidian`, docs/guides/links-and-site.md) that makes a store a working Obsidian vault out of the
// box: markdown links with relative paths, kept up to date on rename (what canon's commit door and
// GitHub resolve too), new notes beside the note they are made from, templates from one folder, and
// the folders that hold no notes kept out of search, the graph and the quick switcher. Per-user
// state (workspace*.json, caches) is git-ignored. Pure: canon init writes these files, and canon's
// own committed vault is checked against them.
import type { CanonConfig, NoteKind } from './config.js';

/** Folders that are never notes, for every repository; a team's code folders can be added in Obsidian. */
const NOT_NOTES = ['.claude/', '.canon/', '.github/', 'node_modules/', 'dist/', 'build/', 'coverage/', 'site/'];

/** Lines for the repository's .gitignore: Obsidian's per-user files. */
export const OBSIDIAN_GITIGNORE = ['.obsidian/workspace*.json', '.obsidian/cache', '.trash/'];

export interface ObsidianOptions {
  folders: CanonConfig['folders'];
  /** The folder Obsidian's Templates plugin reads (repository-relative). */
  templates: string;
  /** More folders to keep out of search and the graph (canon's own code, say). */
  ignore?: readonly string[];
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The baseline files, by path. */
export function renderObsidianBaseline(options: ObsidianOptions): Record<string, string> {
  const templateFiles = (Object.keys(options.folders) as NoteKind[]).map((k) => `${options.folders[k].replace(/\/+$/, '')}/TEMPLATE.md`);
  return {
    '.obsidian/app.json': json({
      useMarkdownLinks: true,
      newLinkFormat: 'relative',
      alwaysUpdateLinks: true,
      newFileLocation: 'current',
      attachmentFolderPath: './',
      propertiesInDocument: 'visible',
      userIgnoreFilters: [...NOT_NOTES, ...(options.ignore ?? []), ...templateFiles],
    }),
    '.obsidian/core-plugins.json': json({
      'file-explorer': true,
      'global-search': true,
      switcher: true,
      graph: true,
      backlink: true,
      'outgoing-link': true,
      'tag-pane': true,
      properties: true,
      'page-preview': true,
      templates: true,
      outline: true,
      'command-palette': true,
      'editor-status': true,
      bookmarks: true,
      'file-recovery': true,
      'daily-notes': false,
      sync: false,
      publish: false,
    }),
    '.obsidian/templates.json': json({ folder: options.templates, dateFormat: 'YYYY-MM-DD', timeFormat: 'HH:mm' }),
  };
}
