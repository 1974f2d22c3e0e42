/**
 * Submit: store a validated request and enqueue what follows (Jira issue, approver routing or, for an
 * auto-approved role, provisioning) in one transaction.
 */
import { accessLabel } from '../../domain/format.js';
import { autoApprovalNote, stageToString } from '../../domain/routing.js';
import type { CatalogApp, CatalogRole } from '../../domain/types.js';
import type { GrantRow } from '../../store/grants.repo.js';
import type { RequestRow } from '../../store/requests.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { enqueueJiraComment, enqueueProvision, enqueueRoute, jiraKey } from '../shared/effects.js';
import { jiraWords } from '../shared/jira-words.js';
import { createRequest, moveRequest } from '../shared/transitions.js';

export interface SubmitInput {
  readonly requesterSlackId: string;
  readonly app: CatalogApp;
  readonly role: CatalogRole;
  readonly durationMs: number | null;
  readonly justification: string;
}

export type SubmitResult =
  | { readonly kind: 'submitted'; readonly request: RequestRow }
  /** The requester holds this app and role already: offer more time on it instead of a second grant. */
  | { readonly kind: 'already_granted'; readonly grant: GrantRow };

export function submitRequest(deps: WorkflowDeps, input: SubmitInput): SubmitResult {
  const { store } = deps;
  const now = deps.clock.now();
  const { app, role } = input;
  const auto = role.approval.kind === 'auto';
  return store.tx((): SubmitResult => {
    const held = store.grants.activeOf(input.requesterSlackId, app.id, role.id);
    if (held) return { kind: 'already_granted', grant: held };
    const request = createRequest(
      store,
      {
        requesterSlackId: input.requesterSlackId,
        requesterEmail: null,
        requesterName: null,
        appId: app.id,
        roleId: role.id,
        snapshot: {
          appName: app.name,
          roleName: role.name,
          roleDescription: role.description,
          provider: app.provider,
          groups: [...role.groups],
          owner: app.owner,
          approval: role.approval.kind === 'auto' ? 'auto' : role.approval.stages.map(stageToString),
          maxDurationMs: role.maxDurationMs ?? null,
        },
        durationMs: input.durationMs,
        justification: input.justification,
      },
      { kind: 'user', slackId: input.requesterSlackId },
      { app: app.id, role: role.id, durationMs: input.durationMs, justification: input.justification },
      now,
    );
    store.jobs.enqueue({ kind: 'jira.create', payload: { requestId: request.id }, orderKey: jiraKey(request.id), requestId: request.id }, now);
    const policy = { kind: 'system', reason: 'catalog policy' } as const;
    if (auto) {
      const note = autoApprovalNote(app, role);
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
