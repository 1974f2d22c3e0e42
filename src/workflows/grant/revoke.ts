/**
 * Revoke: an admin ends someone's access before its time. Like "I'm done", the grant moves to `ending`
 * by compare-and-set and its removal is queued (for a manual app, a removal task); the removal job
 * comments on Jira, closes the issue and tells the holder.
 */
import { accessLabel } from '../../domain/format.js';
import type { WorkflowDeps } from '../shared/deps.js';
import type { GrantRow } from '../../store/grants.repo.js';
import { enqueueDeprovision, enqueueJiraComment } from '../shared/effects.js';
import { jiraWords } from '../shared/jira-words.js';
import { endingReasonOf, startRemoval } from './expire.js';

export type RevokeResult = { readonly kind: 'started'; readonly text: string } | { readonly kind: 'refused'; readonly message: string };

/** `adminSlackId` must already be checked as an admin by the caller. */
export function revokeAccess(deps: WorkflowDeps, requestId: number, adminSlackId: string, reason: string): RevokeResult {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const request = store.requests.get(requestId);
    const grant = request ? store.grants.forRequest(requestId) : undefined;
    if (!request || !grant) return { kind: 'refused', message: `Request #${requestId} has no access to revoke.` };
    const what = accessLabel(request.snapshot.appName, request.snapshot.roleName);
    const held = store.grants.held(grant.id).map((g) => g.groupId);
    if (grant.status === 'ending' && grant.provider !== 'manual') return { kind: 'refused', message: removalUnderWay(deps, grant, requestId, what, held, adminSlackId) };
    if (grant.status === 'provisioning') {
      return { kind: 'refused', message: `The ${what} access of request #${requestId} is still being granted${held.length > 0 ? ` (holds ${held.join(', ')} so far)` : ''}: it becomes active or is undone on its own; revoke it then.` };
    }
    if (!startRemoval(store, grant, 'revoked', { kind: 'user', slackId: adminSlackId }, { reason }, now)) {
      return { kind: 'refused', message: `Nothing to do: the ${what} access of request #${requestId} is ${grant.status === 'ending' ? 'already being removed' : `already ${grant.status}`}.` };
    }
    enqueueJiraComment(store, requestId, [jiraWords.revoked(adminSlackId, reason)], now);
    return { kind: 'started', text: `Revoking *${what}* of <@${grant.userSlackId}> (request #${requestId}); the removal is queued.` };
  });
}

/** `revoke <JIRA-KEY> <reason>`: the access request filed as that issue (its extensions share the issue). */
export function revokeByJiraKey(deps: WorkflowDeps, jiraKey: string, adminSlackId: string, reason: string): RevokeResult {
  const request = deps.store.requests.accessByJiraKey(jiraKey);
  if (!request) return { kind: 'refused', message: `No Keycard request is filed as ${jiraKey}.` };
  return revokeAccess(deps, request.id, adminSlackId, reason);
}

/**
 * A revoke of access already being removed: says what is still held and how to finish, and queues the
 * removal again when nothing is working on it (it had stopped on a failure), so a revoke never leaves
 * held groups alone. Call inside a transaction.
 */
function removalUnderWay(deps: WorkflowDeps, grant: GrantRow, requestId: number, what: string, held: readonly string[], adminSlackId: string): string {
  const { store } = deps;
  const now = deps.clock.now();
  const requeue = held.length > 0 && !store.jobs.hasLive('idp.deprovision', requestId);
  if (requeue) {
    enqueueDeprovision(store, requestId, grant.id, endingReasonOf(grant), now);
    store.audit.append({ at: now, actor: { kind: 'user', slackId: adminSlackId }, action: 'grant.removal_requeued', requestId, data: { grantId: grant.id, held } });
  }
  const holds = held.length > 0 ? `it still holds ${held.join(', ')}` : 'nothing is held any more';
  const next = requeue ? ' The removal of what is held is queued again.' : '';
  const byHand = held.length > 0 ? ` If a group was removed by hand, record it with \`/access-admin removed ${requestId} <group> <reason>\`.` : '';
  return `The ${what} access of request #${requestId} is already being removed: ${holds}.${next}${byHand}`;
}
