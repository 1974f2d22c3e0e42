/**
 * The provider settings registry: every identity provider with environment settings maps to the module in
 * its own folder that declares its variables and reads them. `src/config.ts` assembles these, so adding a
 * provider touches its folder, this map and `registry.ts` (its factory), not config.ts.
 */
import type { ProviderKind } from '../domain/types.js';
import type { HealthTarget, RawEnv } from '../domain/settings.js';
import { entraSettings } from './entra/settings.js';
import { googleSettings } from './google/settings.js';
import { oktaSettings } from './okta/settings.js';
import type { ProviderSettings } from './registry.js';
import type { ProviderConfigBase, ProviderEnvSettings } from './settings-contract.js';

export type { ProviderConfigBase, ProviderEnvSettings } from './settings-contract.js';

/** In this order their variables are listed and their problems reported. */
export const PROVIDER_SETTINGS = {
  okta: oktaSettings,
  entra: entraSettings,
  google: googleSettings,
} as const satisfies { readonly [K in ProviderKind]?: ProviderEnvSettings<ProviderConfigBase> };

type ConfigOf<S> = S extends ProviderEnvSettings<infer C> ? C : never;

/** Each configured provider's settings; null for a provider whose variables are all unset. */
export type ProviderConfigs = { readonly [K in keyof typeof PROVIDER_SETTINGS]: ConfigOf<(typeof PROVIDER_SETTINGS)[K]> | null };

/** Reads every provider's settings, collecting their problems in registry order. */
export function readProviderSettings(env: RawEnv): { readonly problems: readonly string[]; readonly configs: ProviderConfigs } {
  const problems: string[] = [];
  function read<C extends ProviderConfigBase>(settings: ProviderEnvSettings<C>): C | null {
    const result = settings.read(env);
    problems.push(...result.problems);
    return result.config;
  }
  const configs = {
    okta: read(PROVIDER_SETTINGS.okta),
    entra: read(PROVIDER_SETTINGS.entra),
    google: read(PROVIDER_SETTINGS.google),
  } satisfies ProviderConfigs;
  return { problems, configs };
}

/** What the registry's factories build each configured provider from (secrets revealed). */
export function adapterSettings(configs: ProviderConfigs): Omit<ProviderSettings, 'now'> {
  return {
    ...(configs.okta ? { okta: PROVIDER_SETTINGS.okta.toAdapter(configs.okta) } : {}),
    ...(configs.entra ? { entra: PROVIDER_SETTINGS.entra.toAdapter(configs.entra) } : {}),
    ...(configs.google ? { google: PROVIDER_SETTINGS.google.toAdapter(configs.google) } : {}),
  };
}

/** The settings each configured provider's start-up check names when it fails, by provider kind. */
export function providerHealthTargets(configs: ProviderConfigs): Readonly<Partial<Record<ProviderKind, HealthTarget>>> {
  return {
    ...(configs.okta ? { okta: PROVIDER_SETTINGS.okta.healthTarget(configs.okta) } : {}),
    ...(configs.entra ? { entra: PROVIDER_SETTINGS.entra.healthTarget(configs.entra) } : {}),
    ...(configs.google ? { google: PROVIDER_SETTINGS.google.healthTarget(configs.google) } : {}),
  };
}

/** Every provider variable, in registry order. */
export const PROVIDER_VARIABLES: readonly string[] = Object.values(PROVIDER_SETTINGS).flatMap((settings) => settings.variables);

/** The start-up errors for providers the catalog uses whose settings are absent. */
export function missingProviderConfigs(configs: ProviderConfigs, used: ReadonlySet<string>): string[] {
  const byKind: Readonly<Record<string, ProviderConfigBase | null>> = configs;
  return Object.entries(PROVIDER_SETTINGS)
    .filter(([kind]) => used.has(kind) && !byKind[kind])
    .map(([, settings]) => settings.requiredMessage);
}

/** The pace of each configured provider, in calls a minute. */
export function providerRateLimits(configs: ProviderConfigs): Readonly<Record<string, number | undefined>> {
  return Object.fromEntries(Object.entries(configs).map(([kind, config]) => [kind, config?.callsPerMinute]));
}
