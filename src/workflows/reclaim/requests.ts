/**
 * The Keycard requests a reclaim files for the person: the lower role of a downgrade, and the restore of
 * Ask for it back. Each is an ordinary access request (its Jira issue, the provisioning job, the grant),
 * approved automatically and recorded as such, with why: "downgrade by reclaim #4", "restore of reclaim #4".
 */
import { accessLabel } from '../../domain/format.js';
import type { CatalogApp, CatalogRole } from '../../domain/types.js';
import type { ReclaimCaseRow } from '../../store/reclaim.repo.js';
import type { RequestRow } from '../../store/requests.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { enqueueJiraComment, enqueueProvision, jiraKey } from '../shared/effects.js';
import { jiraWords } from '../shared/jira-words.js';
import { requestSnapshot } from '../shared/snapshot.js';
import { createRequest, moveRequest } from '../shared/transitions.js';

export interface AutoRequestInput {
  /** The person: the case's Slack id, email, name and provider account (the grant goes to that account). */
  readonly who: Pick<ReclaimCaseRow, 'slackId' | 'email' | 'name' | 'idpUserId'>;
  readonly app: CatalogApp;
  readonly role: CatalogRole;
  readonly justification: string;
  /** Why no approver was asked, as the audit log and Jira record it: `restore of reclaim #4`. */
  readonly approvedAs: string;
  readonly data: Record<string, unknown>;
  readonly now: Date;
  /** Extra lines for the new request's Jira issue. */
  readonly jiraLines?: readonly string[];
}

/** Files the request approved, with its Jira issue and provisioning queued. In a transaction. */
export function fileAutoApprovedRequest(deps: WorkflowDeps, input: AutoRequestInput): RequestRow {
  const { store } = deps;
  const { app, role, who, now } = input;
  const actor = { kind: 'system', reason: input.approvedAs } as const;
  const request = createRequest(
    store,
    {
      requesterSlackId: who.slackId,
      requesterEmail: who.email,
      requesterName: who.name,
      appId: app.id,
      roleId: role.id,
      // What the catalog asks for this role; this request was approved as `approvedAs` instead.
      snapshot: requestSnapshot(app, role),
      durationMs: null,
      justification: input.justification,
    },
    actor,
    { app: app.id, role: role.id, ...input.data },
    now,
  );
  // The account the reclaim judged: the grant goes to exactly that one.
  store.requests.update(request.id, { idpUserId: who.idpUserId }, now);
  store.jobs.enqueue({ kind: 'jira.create', payload: { requestId: request.id }, orderKey: jiraKey(request.id), requestId: request.id }, now);
  moveRequest(store, request.id, { from: 'submitted', to: 'approved', actor, action: 'request.auto_approved', data: { note: input.approvedAs, ...input.data } }, now);
  enqueueJiraComment(store, request.id, [jiraWords.autoApproved(accessLabel(app.name, role.name), `approved automatically: ${input.approvedAs}`), ...(input.jiraLines ?? [])], now);
  enqueueProvision(store, request.id, now);
  return store.requests.get(request.id) ?? request;
}
