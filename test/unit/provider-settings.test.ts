import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '../../src/config.js';
import { PROVIDER_FACTORIES } from '../../src/identity/registry.js';
import { PROVIDER_SETTINGS, PROVIDER_VARIABLES } from '../../src/identity/settings.js';

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
});
