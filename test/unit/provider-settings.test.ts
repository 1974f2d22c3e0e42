import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES, loadConfig } from '../../src/config.js';
import { PROVIDER_FACTORIES } from '../../src/identity/registry.js';
import { adapterSettings, PROVIDER_SETTINGS, PROVIDER_VARIABLES, providerRateLimits } from '../../src/identity/settings.js';
import { BASE_ENV } from '../support/config-env.js';

const BASE = BASE_ENV;

describe('provider settings registry', () => {
  it('has settings for every provider with a factory, except manual (which needs none)', () => {
    expect(Object.keys(PROVIDER_SETTINGS).sort()).toEqual(Object.keys(PROVIDER_FACTORIES).filter((kind) => kind !== 'manual').sort());
  });

  it('declares each variable once, all of them part of the documented list', () => {
    expect(new Set(ENV_VARIABLES).size).toBe(ENV_VARIABLES.length);
    expect(ENV_VARIABLES).toEqual(expect.arrayContaining([...PROVIDER_VARIABLES]));
  });

  it.each(Object.entries(PROVIDER_SETTINGS))('%s reads nothing from an empty environment and names itself when the catalog needs it', (kind, settings) => {
    expect(settings.read({})).toEqual({ problems: [], config: null });
    expect(settings.requiredMessage).toContain(`provider ${kind}`);
  });

  it('hands each configured adapter its settings with the secrets revealed, and only those', () => {
    const config = loadConfig({ ...BASE, OKTA_ORG_URL: 'https://acme.okta.com', OKTA_API_TOKEN: 'okta-token', ENTRA_TENANT_ID: 't', ENTRA_CLIENT_ID: 'c', ENTRA_CLIENT_SECRET: 's', ENTRA_CALLS_PER_MINUTE: '90' });

    expect(adapterSettings(config)).toEqual({
      okta: { orgUrl: 'https://acme.okta.com', token: 'okta-token' },
      entra: { tenantId: 't', clientId: 'c', clientSecret: 's', graphBaseUrl: 'https://graph.microsoft.com/v1.0' },
    });
    expect(providerRateLimits(config)).toEqual({ okta: 600, entra: 90, google: undefined });
  });
});
