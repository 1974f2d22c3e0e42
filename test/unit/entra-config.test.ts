import { describe, expect, it } from 'vitest';
import { loadConfig, missingProviderSettings } from '../../src/config.js';
import { parseCatalog } from '../../src/domain/catalog.js';
import type { Catalog } from '../../src/domain/types.js';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { graphScope } from '../../src/identity/entra/entra.js';
import { buildProviders } from '../../src/identity/registry.js';
import { adapterSettings } from '../../src/identity/settings.js';
import { BASE_ENV as BASE, configProblems as problems } from '../support/config-env.js';

const ENTRA = { ENTRA_TENANT_ID: 'tenant-1', ENTRA_CLIENT_ID: 'client-1', ENTRA_CLIENT_SECRET: 'very-secret' };

function entraCatalog(): Catalog {
  const result = parseCatalog(
    ['version: 1', 'apps:', '  - id: sharepoint', '    name: SharePoint', '    description: Intranet', '    owner: it@acme.com', '    provider: entra', '    roles:', '      - id: member', '        name: Member', '        description: Edit sites', '        groups: [9a7d0c3e-0000-4000-8000-000000000001]', '        approval: auto'].join('\n'),
    'entra.yaml',
  );
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.catalog;
}

describe('Entra settings', () => {
  it('reads all three credentials with defaults, the secret wrapped', () => {
    const config = loadConfig({ ...BASE, ...ENTRA });

    expect(config.entra).toMatchObject({ tenantId: 'tenant-1', clientId: 'client-1', graphBaseUrl: 'https://graph.microsoft.com/v1.0', authorityHost: null, callsPerMinute: 600 });
    expect(String(config.entra?.clientSecret)).toBe('[redacted]');
    expect(config.entra?.clientSecret.reveal()).toBe('very-secret');
  });

  it('is all or none, naming each missing variable', () => {
    expect(problems({ ENTRA_TENANT_ID: 'tenant-1' })).toEqual([
      'ENTRA_CLIENT_ID is required when any of ENTRA_TENANT_ID, ENTRA_CLIENT_ID or ENTRA_CLIENT_SECRET is set',
      'ENTRA_CLIENT_SECRET is required when any of ENTRA_TENANT_ID, ENTRA_CLIENT_ID or ENTRA_CLIENT_SECRET is set',
    ]);
    expect(loadConfig(BASE).entra).toBeNull();
  });

  it.each([
    ['GRAPH_BASE_URL', 'http://graph.example.com/v1.0', 'GRAPH_BASE_URL must use https://'],
    ['ENTRA_AUTHORITY_HOST', 'http://127.0.0.1:9999', 'ENTRA_AUTHORITY_HOST must use https://'],
    ['ENTRA_CALLS_PER_MINUTE', '0', 'ENTRA_CALLS_PER_MINUTE must be at least 1'],
  ])('refuses %s=%s', (name, value, message) => {
    expect(problems({ ...ENTRA, [name]: value }).join('\n')).toContain(message);
  });

  it('accepts a loopback Graph over http (a fake) and an https authority', () => {
    const config = loadConfig({ ...BASE, ...ENTRA, GRAPH_BASE_URL: 'http://127.0.0.1:4010/v1.0/', ENTRA_AUTHORITY_HOST: 'https://login.microsoftonline.us' });

    expect(config.entra).toMatchObject({ graphBaseUrl: 'http://127.0.0.1:4010/v1.0', authorityHost: 'https://login.microsoftonline.us' });
  });

  it('is required when the catalog has entra apps', () => {
    expect(missingProviderSettings(loadConfig(BASE), entraCatalog())).toContain(
      'ENTRA_TENANT_ID, ENTRA_CLIENT_ID and ENTRA_CLIENT_SECRET are required: the catalog has apps on provider entra',
    );
    expect(missingProviderSettings(loadConfig({ ...BASE, ...ENTRA }), entraCatalog())).toEqual([]);
  });

  it('builds the Entra provider from the registry only when configured', () => {
    const settings = { tenantId: 't', clientId: 'c', clientSecret: 's' };

    expect(buildProviders({ now: Date.now }).entra).toBeUndefined();
    expect(buildProviders({ entra: settings, now: Date.now }).entra?.kind).toBe('entra');
  });

  it.each([
    ['https://graph.microsoft.com/v1.0', 'https://graph.microsoft.com/.default'],
    ['https://graph.microsoft.us/v1.0', 'https://graph.microsoft.us/.default'],
    ['https://dod-graph.microsoft.us/beta', 'https://dod-graph.microsoft.us/.default'],
    ['https://microsoftgraph.chinacloudapi.cn/v1.0', 'https://microsoftgraph.chinacloudapi.cn/.default'],
    ['https://127.0.0.1:8443/v1.0', 'https://127.0.0.1:8443/.default'],
    ['http://127.0.0.1:4010/v1.0', 'https://graph.microsoft.com/.default'],
  ])('asks for the token scope of the Graph at %s: %s', (graphBaseUrl, scope) => {
    expect(graphScope(graphBaseUrl)).toBe(scope);
  });

  it('asks for the scope of GRAPH_BASE_URL from the settings, naming scope and authority when no token comes', async () => {
    const asked: string[][] = [];
    // Refuses every token, so nothing leaves this machine: the Graph call never starts.
    const refusing: TokenCredential = {
      async getToken(scopes: string | string[]): Promise<AccessToken | null> {
        asked.push(Array.isArray(scopes) ? scopes : [scopes]);
        throw new Error('no token in this test');
      },
    };
    const config = loadConfig({ ...BASE, ...ENTRA, GRAPH_BASE_URL: 'https://graph.microsoft.us/v1.0', ENTRA_AUTHORITY_HOST: 'https://login.microsoftonline.us' });
    const entra = adapterSettings(config).entra;
    if (!entra) throw new Error('Entra settings were not read');

    const error = await buildProviders({ entra: { ...entra, credential: refusing }, now: Date.now })
      .entra?.findUserByEmail('alice@acme.com')
      .catch((e: unknown) => e);

    expect(asked).toEqual([['https://graph.microsoft.us/.default']]);
    expect(String(error)).toContain('could not get a Microsoft Graph token for https://graph.microsoft.us/.default from https://login.microsoftonline.us');
  });
});
