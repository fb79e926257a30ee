import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG } from '../../tools/core/config.js';
import { renderObsidianBaseline } from '../../tools/core/obsidian.js';
import { CANON_ROOT } from '../../tools/install-hooks.mjs';
import { CANON_OWN_VAULT } from '../helpers/own-vault.js';

describe("canon's own repository is an Obsidian vault", () => {
  test('its committed .obsidian/ is exactly the baseline canon init lays (for its folders and templates/)', () => {
    const baseline = renderObsidianBaseline({ folders: DEFAULT_CONFIG.folders, ...CANON_OWN_VAULT });
    const committed = Object.fromEntries(
      readdirSync(path.join(CANON_ROOT, '.obsidian'))
        .filter((n) => n.endsWith('.json') && !n.startsWith('workspace'))
        .map((n) => [`.obsidian/${n}`, readFileSync(path.join(CANON_ROOT, '.obsidian', n), 'utf8')]),
    );
    expect(committed).toEqual(baseline);
  });

  test('the templates folder it names holds a template for every kind of note', () => {
    const templates = JSON.parse(renderObsidianBaseline({ folders: DEFAULT_CONFIG.folders, ...CANON_OWN_VAULT })['.obsidian/templates.json']!) as {
      folder: string;
    };
    expect(readdirSync(path.join(CANON_ROOT, templates.folder)).sort()).toEqual(['adr.md', 'learning.md', 'plan.md', 'session.md', 'workstream.md']);
  });
});
