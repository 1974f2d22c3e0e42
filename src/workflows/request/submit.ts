/**
 * Submit: store a validated request and enqueue what follows (Jira issue, approver routing or, for an
 * auto-approved role, provisioning) in one transaction.
 */
import { accessLabel } from '../../domain/format.js';
import { WAITING_STATUSES } from '../../domain/request-state.js';
import { autoApprovalNote, stageToString } from '../../domain/routing.js';
import type { Actor, CatalogApp, CatalogRole } from '../../domain/types.js';
import type { GrantRow } from '../../store/grants.repo.js';
import type { RequestRow } from '../../store/requests.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { enqueueJiraComment, enqueueProvision, enqueueRoute, jiraKey } from '../shared/effects.js';
import { jiraWords } from '../shared/jira-words.js';
import { requestSnapshot } from '../shared/snapshot.js';
import { createRequest, moveRequest } from '../shared/transitions.js';

export interface SubmitInput {
  readonly requesterSlackId: string;
  readonly app: CatalogApp;
  readonly role: CatalogRole;
  readonly durationMs: number | null;
  readonly justification: string;
  /**
   * Filed for the requester by someone else (onboarding, a bundle offer): who filed it (already checked by
   * the caller), and the words recorded as the approval when the role is auto-approved (`birthright: bundle
   * data-eng`). The approval chain of any other role runs as usual, and the requester gets the receipt.
   */
  readonly onBehalf?: { readonly actor: Actor; readonly autoApprovalNote: string };
}

export type SubmitResult =
  | { readonly kind: 'submitted'; readonly request: RequestRow }
  /** The requester holds this app and role already: offer more time on it instead of a second grant. */
  | { readonly kind: 'already_granted'; readonly grant: GrantRow }
  /**
   * The requester already has a request for this app and role on its way (waiting for approval or being
   * granted): answer with that one. Filing a second would make two grants of one membership, and ending
   * either would remove the access the other still claims.
   */
  | { readonly kind: 'already_pending'; readonly request: RequestRow };

export function submitRequest(deps: WorkflowDeps, input: SubmitInput): SubmitResult {
  const { store } = deps;
  const now = deps.clock.now();
  const { app, role } = input;
  const auto = role.approval.kind === 'auto';
  return store.tx((): SubmitResult => {
    const held = store.grants.activeOf(input.requesterSlackId, app.id, role.id);
    if (held) return { kind: 'already_granted', grant: held };
    // Checked inside the write transaction: of two commands at once, the second sees the first's row.
    const pending = store.requests.firstAccessRequest(input.requesterSlackId, app.id, role.id, WAITING_STATUSES);
    if (pending) return { kind: 'already_pending', request: pending };
    const request = createRequest(
      store,
      {
        requesterSlackId: input.requesterSlackId,
        requesterEmail: null,
        requesterName: null,
        appId: app.id,
        roleId: role.id,
        snapshot: requestSnapshot(app, role),
        durationMs: input.durationMs,
        justification: input.justification,
      },
      input.onBehalf?.actor ?? { kind: 'user', slackId: input.requesterSlackId },
      { app: app.id, role: role.id, durationMs: input.durationMs, justification: input.justification, ...(input.onBehalf ? { onBehalfOf: input.requesterSlackId } : {}) },
      now,
    );
    store.jobs.enqueue({ kind: 'jira.create', payload: { requestId: request.id }, orderKey: jiraKey(request.id), requestId: request.id }, now);
    const policy = { kind: 'system', reason: 'catalog policy' } as const;
    if (auto) {
      const note = input.onBehalf?.autoApprovalNote ?? autoApprovalNote(app, role);
      moveRequest(store, request.id, { from: 'submitted', to: 'approved', actor: policy, action: 'request.auto_approved', data: { note } }, now);
      enqueueJiraComment(store, request.id, [jiraWords.autoApproved(accessLabel(app.name, role.name), note)], now);
      enqueueProvision(store, request.id, now);
    } else {
      moveRequest(store, request.id, { from: 'submitted', to: 'pending_approval', actor: policy, data: { stages: role.approval.stages.map(stageToString) } }, now);
      enqueueRoute(store, request.id, 0, now);
    }
    return { kind: 'submitted', request: { ...request, status: auto ? 'approved' : 'pending_approval' } };
  });
}
