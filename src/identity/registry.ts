/**
 * The identity-provider registry: every provider kind the catalog accepts maps to a factory. A provider
 * whose settings are absent is not built (the catalog check names the missing settings).
 */
import type { ProviderKind } from '../domain/types.js';
import { GoogleProvider, type GoogleSettings } from './google/google.js';
import { EntraProvider, type EntraSettings } from './entra/entra.js';
import { ManualProvider } from './manual.js';
import { OktaProvider, type OktaSettings } from './okta/okta.js';
import type { IdentityProvider, IdentityProviders } from './types.js';

export interface ProviderSettings {
  readonly okta?: OktaSettings;
  readonly entra?: EntraSettings;
  readonly google?: GoogleSettings;
  /** The injected clock: providers read absolute reset times against it. */
  readonly now: () => number;
}

type Factory = (settings: ProviderSettings) => IdentityProvider | null;

export const PROVIDER_FACTORIES: Readonly<Record<ProviderKind, Factory>> = {
  okta: (s) => (s.okta ? new OktaProvider({ ...s.okta, now: s.now }) : null),
  entra: (s) => (s.entra ? new EntraProvider({ ...s.entra, now: s.now }) : null),
  google: (s) => (s.google ? new GoogleProvider({ ...s.google, now: s.now }) : null),
  manual: () => new ManualProvider(),
};

export function buildProviders(settings: ProviderSettings): IdentityProviders {
  const providers: IdentityProviders = {};
  for (const [kind, factory] of Object.entries(PROVIDER_FACTORIES) as Array<[ProviderKind, Factory]>) {
    const provider = factory(settings);
    if (provider) providers[kind] = provider;
  }
  return providers;
}
