/**
 * Catalog groups that do not exist in their provider. A role that names a deleted or mistyped group
 * would fail at the first grant (or, worse, at the first removal), so the catalog is checked before it is
 * put in force: at start-up and on `/access-admin catalog reload`. One `findMissingGroups` call per
 * provider, whatever the size of the catalog.
 */
import { formatCatalogIssues } from '../domain/catalog.js';
import type { Catalog, CatalogIssue, ProviderKind } from '../domain/types.js';
import type { IdentityProvider, IdentityProviders } from './types.js';

/** A catalog issue (file, line, field, message) plus the facts an alert or a test needs apart. */
export interface MissingCatalogGroup extends CatalogIssue {
  readonly appId: string;
  readonly roleId: string;
  readonly provider: ProviderKind;
  readonly groupId: string;
}

export type CatalogGroupCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly missing: readonly MissingCatalogGroup[]; readonly message: string };

/**
 * Every (app, role, group) whose group its provider does not have, in catalog order. Providers without
 * settings are skipped: `missingProviderSettings` already refuses a catalog that uses them. Provider
 * failures (throttling, a refused permission) propagate: the check could not be made.
 */
export async function findMissingCatalogGroups(catalog: Catalog, providers: IdentityProviders): Promise<MissingCatalogGroup[]> {
  const wanted = new Map<ProviderKind, { provider: IdentityProvider; ids: Set<string> }>();
  for (const app of catalog.apps) {
    const provider = providers[app.provider];
    if (!provider) continue;
    const entry = wanted.get(app.provider) ?? { provider, ids: new Set<string>() };
    for (const role of app.roles) for (const group of role.groups) entry.ids.add(group);
    wanted.set(app.provider, entry);
  }
  const answers = await Promise.all(
    [...wanted].map(async ([kind, { provider, ids }]) => [kind, new Set(ids.size === 0 ? [] : await provider.findMissingGroups([...ids]))] as const),
  );
  const missingBy = new Map(answers);
  const file = catalog.source?.file ?? 'catalog';
  const problems: MissingCatalogGroup[] = [];
  catalog.apps.forEach((app, a) => {
    const missing = missingBy.get(app.provider);
    if (!missing || missing.size === 0) return;
    app.roles.forEach((role, r) => {
      role.groups.forEach((groupId, g) => {
        if (!missing.has(groupId)) return;
        const field = `apps[${a}].roles[${r}].groups`;
        problems.push({
          file,
          // 0 only for a catalog built in code, which has no lines.
          line: catalog.source?.groupLines[`${field}[${g}]`] ?? 0,
          field,
          message: `${app.provider} has no group '${groupId}' (app ${app.id}, role ${role.id})`,
          appId: app.id,
          roleId: role.id,
          provider: app.provider,
          groupId,
        });
      });
    });
  });
  return problems;
}

/** The check as start-up and reload use it: ok, or a message naming file, line, app, role and group. */
export async function checkCatalogGroups(catalog: Catalog, providers: IdentityProviders): Promise<CatalogGroupCheck> {
  let missing: MissingCatalogGroup[];
  try {
    missing = await findMissingCatalogGroups(catalog, providers);
  } catch (error) {
    return { ok: false, missing: [], message: `Could not check that the catalog's groups exist: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (missing.length === 0) return { ok: true };
  return { ok: false, missing, message: `The catalog names groups that do not exist:\n${formatCatalogIssues(missing)}` };
}
