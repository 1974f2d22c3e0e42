/**
 * `/access-admin catalog reload`: re-reads the catalog file and puts it in force only when it is valid,
 * every provider it uses is configured, and every group it names exists (refused whatever
 * KEYCARD_MISSING_GROUPS says: the catalog in force keeps working meanwhile).
 */
import type { Logger } from 'pino';
import { loadCatalog, missingProviderSettings, type KeycardConfig } from '../config.js';
import type { Catalog } from '../domain/types.js';
import { checkCatalogGroups } from '../identity/catalog-groups.js';
import type { IdentityProviders } from '../identity/types.js';
import type { CatalogReloader } from '../workflows/admin/index.js';

export function catalogReloader(config: KeycardConfig, providers: IdentityProviders, logger: Logger, apply: (next: Catalog) => void): CatalogReloader {
  return async () => {
    try {
      const next = loadCatalog(config.catalogPath);
      const missing = missingProviderSettings(config, next);
      if (missing.length > 0) return { ok: false, message: missing.join('\n') };
      const groups = await checkCatalogGroups(next, providers);
      if (!groups.ok) return { ok: false, message: groups.message };
      apply(next);
      logger.info({ apps: next.apps.length }, 'catalog reloaded');
      return { ok: true, apps: next.apps.length };
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  };
}
