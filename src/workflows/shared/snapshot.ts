/**
 * The app and role as the catalog describes them when a request is filed, kept on the request so that a
 * catalog change does not loosen or tighten a request in flight.
 */
import { stageToString } from '../../domain/routing.js';
import type { CatalogApp, CatalogRole } from '../../domain/types.js';
import type { RequestSnapshot } from '../../store/schema.js';

export function requestSnapshot(app: CatalogApp, role: CatalogRole): RequestSnapshot {
  return {
    appName: app.name,
    roleName: role.name,
    roleDescription: role.description,
    provider: app.provider,
    groups: [...role.groups],
    owner: app.owner,
    approval: role.approval.kind === 'auto' ? 'auto' : role.approval.stages.map(stageToString),
    maxDurationMs: role.maxDurationMs ?? null,
    ...(role.distinctApprovers === false ? { distinctApprovers: false as const } : {}),
  };
}
