/**
 * The files a newcomer copies must stay true: the example catalog passes the validator, the manifest asks
 * for exactly what the code uses, and .env.example and the README document every setting.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '../../src/config.js';
import { formatCatalogIssues, parseCatalog } from '../../src/domain/catalog.js';

function read(path: string): string {
  return readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
}

describe('shipped files', () => {
  it('catalog.example.yaml is a valid catalog of 10+ apps', () => {
    const result = parseCatalog(read('catalog.example.yaml'), 'catalog.example.yaml');

    expect(result.ok ? '' : formatCatalogIssues(result.issues)).toBe('');
    expect(result.ok && result.catalog.apps.length).toBeGreaterThanOrEqual(10);
  });

  it('manifest.slack.json declares both commands, interactivity and only the bot scopes used', () => {
    const manifest = JSON.parse(read('manifest.slack.json')) as {
      features: { slash_commands: Array<{ command: string }>; app_home: { home_tab_enabled: boolean } };
      oauth_config: { scopes: { bot: string[] } };
      settings: { interactivity: { is_enabled: boolean; request_url: string; message_menu_options_url?: string } };
    };

    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual(['/access-admin', '/request']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    // Over 100 apps the app picker is an external_select, whose options Slack fetches from this URL in HTTP mode.
    expect(manifest.settings.interactivity.message_menu_options_url).toBe(manifest.settings.interactivity.request_url);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(['chat:write', 'commands', 'files:write', 'im:write', 'users:read', 'users:read.email']);
  });

  it.each(ENV_VARIABLES)('%s is documented in .env.example and the README', (name) => {
    expect(read('.env.example')).toContain(name);
    expect(read('README.md')).toContain(name);
  });
});
