import { describe, expect, test } from '@jest/globals';
import { checkPluginSettings, mergePluginSettings, PLUGIN_ID, PLUGIN_MARKETPLACE, removePluginSettings } from '../../tools/core/claude-plugin-settings.js';

describe("canon's plugin in settings.json", () => {
  const team = '{\n    "model": "x",\n    "enabledPlugins": { "theirs@market": true }\n}\n';

  test.each([[null], [''], [team]])('merge declares the marketplace and enables the plugin; twice is once; removal gives %p back', (before) => {
    const merged = mergePluginSettings(before);
    const parsed = JSON.parse(merged) as { extraKnownMarketplaces: Record<string, unknown>; enabledPlugins: Record<string, unknown> };
    expect(parsed.extraKnownMarketplaces[PLUGIN_MARKETPLACE]).toEqual({ source: { source: 'directory', path: './node_modules/canon-notes' } });
    expect(parsed.enabledPlugins[PLUGIN_ID]).toBe(true);
    expect(checkPluginSettings(merged)).toEqual([]);
    expect(mergePluginSettings(merged)).toBe(merged);
    const removed = removePluginSettings(merged);
    if (before === team) {
      expect(JSON.parse(removed)).toEqual(JSON.parse(team));
      expect(removed).toContain('    "model"');
    } else expect(JSON.parse(removed)).toEqual({});
  });

  test("a team's own choice under either key is kept: another source for the marketplace, the plugin switched off", () => {
    const own = JSON.stringify({
      extraKnownMarketplaces: { 'canon-notes': { source: { source: 'github', repo: 'team/canon' } } },
      enabledPlugins: { [PLUGIN_ID]: false },
    });
    expect(mergePluginSettings(own)).toBe(own);
    expect(removePluginSettings(own)).toBe(own);
    expect(checkPluginSettings(own)).toEqual(['enabled']);
    expect(checkPluginSettings(null)).toEqual(['marketplace', 'enabled']);
  });
});
