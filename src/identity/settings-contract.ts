/**
 * What a provider's settings module (src/identity/<kind>/settings.ts) provides; src/identity/settings.ts
 * lists them. Kept apart so a provider folder never imports the list that imports it.
 */
import type { HealthTarget, RawEnv } from '../domain/settings.js';

/** What every provider's settings have: the pace Keycard keeps its calls under. */
export interface ProviderConfigBase {
  readonly callsPerMinute: number;
}

/** A provider's environment settings, owned by its adapter folder; `Adapter` is what its adapter is built from. */
export interface ProviderEnvSettings<Config extends ProviderConfigBase, Adapter = unknown> {
  /** Every variable it reads (the README and .env.example document each one). */
  readonly variables: readonly string[];
  /**
   * Validates its variables; `config` is null when the provider is not configured or `problems` is not
   * empty. Each problem names its variable.
   */
  read(env: RawEnv): { readonly problems: readonly string[]; readonly config: Config | null };
  /** The start-up error when the catalog has apps on this provider but its settings are absent. */
  readonly requiredMessage: string;
  /** The adapter's settings, secrets revealed: only the composition root calls this. */
  toAdapter(config: Config): Adapter;
  /** Which settings the start-up check names when this provider refuses or cannot be reached. */
  healthTarget(config: Config): HealthTarget;
}

