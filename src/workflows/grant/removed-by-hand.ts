/**
 * Removed by hand: when a provider will not let Keycard remove a group (a 403 on a protected group, a
 * group managed elsewhere), an admin removes the membership in the provider's console and records it here,
 * with why. The group leaves the grant's held list (who, when and why on its row, in the audit log and on
 * Jira); when nothing is held any more the grant ends exactly as the removal job would have ended it.
 */
import { accessLabel } from '../../domain/format.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { enqueueJiraComment } from '../shared/effects.js';
import { jiraWords } from '../shared/jira-words.js';
import { finishRemoval, recordGroupGone } from './remove.js';

export type RemovedByHandResult = { readonly kind: 'recorded'; readonly text: string } | { readonly kind: 'refused'; readonly message: string };

/** `adminSlackId` must already be checked as an admin by the caller. */
export function recordRemovedByHand(deps: WorkflowDeps, requestId: number, groupId: string, adminSlackId: string, reason: string): RemovedByHandResult {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const request = store.requests.get(requestId);
    const grant = request ? store.grants.forRequest(requestId) : undefined;
    if (!request || !grant) return { kind: 'refused', message: `Request #${requestId} has no access on record.` };
    const what = accessLabel(request.snapshot.appName, request.snapshot.roleName);
    const held = store.grants.held(grant.id);
    if (grant.status !== 'ending') {
      // Recording a group as gone while the grant is meant to hold it would make the record lie.
      return { kind: 'refused', message: `The ${what} access of request #${requestId} is ${grant.status}, not being removed: start with \`/access-admin revoke ${requestId} <reason>\`.` };
    }
    const row = held.find((g) => g.groupId === groupId);
    if (!row) {
      const still = held.map((g) => g.groupId).join(', ') || 'nothing';
      return { kind: 'refused', message: `Request #${requestId} does not hold ${groupId}; it still holds: ${still}.` };
    }
    const actor = { kind: 'user', slackId: adminSlackId } as const;
    recordGroupGone(deps, grant, row, 'by_hand', actor, reason, now);
    enqueueJiraComment(store, requestId, [jiraWords.groupRemovedByHand(groupId, adminSlackId, reason, now)], now);
    if (finishRemoval(deps, grant.id, actor)) {
      return { kind: 'recorded', text: `Recorded: ${groupId} removed by hand. Nothing else is held: the ${what} access of request #${requestId} has ended.` };
    }
    const still = store.grants.held(grant.id).map((g) => g.groupId).join(', ');
    return { kind: 'recorded', text: `Recorded: ${groupId} removed by hand. Request #${requestId} still holds: ${still}.` };
  });
}
