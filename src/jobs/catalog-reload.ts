/**
 * `/access-admin catalog reload`: re-reads the catalog file and puts it in force only when it is valid,
 * every provider it uses is configured, and every group it names exists (refused whatever
 * KEYCARD_MISSING_GROUPS says: the catalog in force keeps working meanwhile).
 */
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { loadCatalog, missingProviderSettings, type KeycardConfig } from '../config.js';
import type { Catalog } from '../domain/types.js';
import { checkCatalogGroups } from '../identity/catalog-groups.js';
import type { IdentityProviders } from '../identity/types.js';
import type { CatalogReloader, CatalogValidator } from '../workflows/admin/index.js';

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

/**
 * `/access-admin catalog validate [path]`: the same checks as reload (the start-up messages, with file,
 * line and field), on CATALOG_PATH or another file on this server, and nothing is put in force. Only a
 * YAML file is read: the answer quotes what the file says, and an admin has no business reading other
 * files of the server through Slack.
 */
export function catalogValidator(config: KeycardConfig, providers: IdentityProviders): CatalogValidator {
  return async (path) => {
    const target = path ?? config.catalogPath;
    const inForce = resolve(target) === resolve(config.catalogPath);
    if (!/\.ya?ml$/i.test(target)) return { ok: false, path: target, message: `${target}: only a catalog file ending .yaml or .yml can be validated` };
    try {
      const next = loadCatalog(target);
      const missing = missingProviderSettings(config, next);
      if (missing.length > 0) return { ok: false, path: target, message: missing.join('\n') };
      const groups = await checkCatalogGroups(next, providers);
      if (!groups.ok) return { ok: false, path: target, message: groups.message };
      return { ok: true, path: target, apps: next.apps.length, roles: next.apps.reduce((n, a) => n + a.roles.length, 0), inForce };
    } catch (error) {
      return { ok: false, path: target, message: error instanceof Error ? error.message : String(error) };
    }
  };
}
