/**
 * Filing a person's birthright bundles: each role the bundle names is filed as a request on the person's
 * behalf (`submitRequest` with who filed it). A role the catalog auto-approves is granted with
 * "birthright: bundle <id>" recorded as its approval; any other role runs its approval chain as usual (its
 * approvers get their cards, the person the receipt). A role already held or already asked for is not filed
 * twice. Shared by onboarding and by a bundle offered after a move.
 */
import { birthrightNote, bundleRoles } from '../../domain/bundles.js';
import { accessLabel } from '../../domain/format.js';
import type { Actor, CatalogBundle } from '../../domain/types.js';
import { submitRequest } from '../request/index.js';
import type { WorkflowDeps } from '../shared/deps.js';

export interface FiledRole {
  readonly bundleId: string;
  readonly what: string;
  readonly outcome: 'birthright' | 'approval' | 'held' | 'pending';
  readonly requestId: number | null;
}

/** Files every role of the bundles for `personSlackId`. Call inside a transaction. */
export function fileBundles(deps: WorkflowDeps, personSlackId: string, bundles: readonly CatalogBundle[], actor: Actor, how: string): FiledRole[] {
  const { store } = deps;
  const now = deps.clock.now();
  const filed: FiledRole[] = [];
  for (const bundle of bundles) {
    for (const { app, role, birthright } of bundleRoles(deps.catalog(), bundle)) {
      const what = accessLabel(app.name, role.name);
      const result = submitRequest(deps, {
        requesterSlackId: personSlackId,
        app,
        role,
        durationMs: null,
        justification: `Birthright access: bundle ${bundle.id} (${bundle.name}), ${how}.`,
        onBehalf: { actor, autoApprovalNote: birthrightNote(bundle) },
      });
      if (result.kind === 'already_granted') {
        filed.push({ bundleId: bundle.id, what, outcome: 'held', requestId: result.grant.requestId });
        continue;
      }
      if (result.kind === 'already_pending') {
        filed.push({ bundleId: bundle.id, what, outcome: 'pending', requestId: result.request.id });
        continue;
      }
      store.lifecycle.recordBundleRequest(result.request.id, bundle.id, personSlackId, now);
      filed.push({ bundleId: bundle.id, what, outcome: birthright ? 'birthright' : 'approval', requestId: result.request.id });
    }
  }
  return filed;
}
