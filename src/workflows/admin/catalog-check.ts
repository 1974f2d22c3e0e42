/**
 * `/access-admin catalog validate [path]`: a catalog file checked as start-up and reload check it (parsed
 * with file, line and field; every provider it uses configured; every group it names existing in its
 * provider), without putting it in force. The check itself is the composition root's (it reads the file
 * and asks the providers); this audits it.
 */
import type { WorkflowDeps } from '../shared/deps.js';

export type CatalogValidation =
  | { readonly ok: true; readonly path: string; readonly apps: number; readonly roles: number; readonly inForce: boolean }
  | { readonly ok: false; readonly path: string; readonly message: string };

/** Checks the file at `path` (null: CATALOG_PATH) and loads nothing. */
export type CatalogValidator = (path: string | null) => Promise<CatalogValidation>;

/** `adminSlackId` must already be checked as an admin by the caller. */
export async function validateCatalogFile(deps: WorkflowDeps, adminSlackId: string, path: string | null, validate: CatalogValidator): Promise<CatalogValidation> {
  const result = await validate(path);
  deps.store.audit.append({
    at: deps.clock.now(),
    actor: { kind: 'user', slackId: adminSlackId },
    action: result.ok ? 'catalog.validated' : 'catalog.validation_failed',
    data: result.ok ? { path: result.path, apps: result.apps, roles: result.roles } : { path: result.path, error: result.message },
  });
  return result;
}
