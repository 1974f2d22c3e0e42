/**
 * Revoke: an admin ends someone's access before its time. Like "I'm done", the grant moves to `ending`
 * by compare-and-set and its removal is queued (for a manual app, a removal task); the removal job
 * comments on Jira, closes the issue and tells the holder.
 */
import { accessLabel } from '../../domain/format.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { enqueueJiraComment } from '../shared/effects.js';
import { jiraWords } from '../shared/jira-words.js';
import { startRemoval } from './expire.js';

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
    if (!startRemoval(store, grant, 'revoked', { kind: 'user', slackId: adminSlackId }, { reason }, now)) {
      return { kind: 'refused', message: `Nothing to do: the ${what} access of request #${requestId} is ${grant.status === 'ending' ? 'already being removed' : `already ${grant.status}`}.` };
    }
    enqueueJiraComment(store, requestId, [jiraWords.revoked(adminSlackId, reason)], now);
    return { kind: 'started', text: `Revoking *${what}* of <@${grant.userSlackId}> (request #${requestId}); the removal is queued.` };
  });
}
