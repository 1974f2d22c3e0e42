/**
 * Submit: store a validated request and enqueue what follows (Jira issue, approver routing or, for an
 * auto-approved role, provisioning) in one transaction.
 */
import { accessLabel } from '../domain/format.js';
import { autoApprovalNote, stageToString } from '../domain/routing.js';
import type { CatalogApp, CatalogRole } from '../domain/types.js';
import type { RequestRow } from '../store/requests.repo.js';
import type { WorkflowDeps } from './deps.js';
import { enqueueJiraComment, enqueueProvision, enqueueRoute, jiraKey } from './effects.js';

export interface SubmitInput {
  readonly requesterSlackId: string;
  readonly app: CatalogApp;
  readonly role: CatalogRole;
  readonly durationMs: number | null;
  readonly justification: string;
}

export function submitRequest(deps: WorkflowDeps, input: SubmitInput): RequestRow {
  const { store } = deps;
  const now = deps.clock.now();
  const { app, role } = input;
  const auto = role.approval.kind === 'auto';
  return store.tx(() => {
    const request = store.requests.insert(
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
        status: auto ? 'approved' : 'pending_approval',
      },
      now,
    );
    const actor = { kind: 'user', slackId: input.requesterSlackId } as const;
    store.audit.append({
      at: now,
      actor,
      action: 'request.submitted',
      requestId: request.id,
      toStatus: 'submitted',
      data: { app: app.id, role: role.id, durationMs: input.durationMs, justification: input.justification },
    });
    store.jobs.enqueue({ kind: 'jira.create', payload: { requestId: request.id }, orderKey: jiraKey(request.id), requestId: request.id }, now);
    if (auto) {
      const note = autoApprovalNote(app, role);
      store.audit.append({
        at: now,
        actor: { kind: 'system', reason: 'catalog policy' },
        action: 'request.auto_approved',
        requestId: request.id,
        fromStatus: 'submitted',
        toStatus: 'approved',
        data: { note },
      });
      enqueueJiraComment(store, request.id, [`${accessLabel(app.name, role.name)}: ${note}.`], now);
      enqueueProvision(store, request.id, now);
    } else {
      store.audit.append({
        at: now,
        actor: { kind: 'system', reason: 'catalog policy' },
        action: 'request.pending_approval',
        requestId: request.id,
        fromStatus: 'submitted',
        toStatus: 'pending_approval',
        data: { stages: role.approval.stages.map(stageToString) },
      });
      enqueueRoute(store, request.id, 0, now);
    }
    return request;
  });
}
