/**
 * Relinquish ("I'm done"): the holder gives access back before it ends. The grant moves to `ending` by
 * compare-and-set and its removal is queued; the removal job comments on Jira and closes the issue.
 */
import { accessLabel } from '../../domain/format.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { startRemoval } from './expire.js';

export type RelinquishResult =
  | { readonly kind: 'started'; readonly what: string }
  | { readonly kind: 'refused'; readonly message: string };

export function relinquishGrant(deps: WorkflowDeps, grantId: number, actorSlackId: string): RelinquishResult {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const grant = store.grants.get(grantId);
    const request = grant ? store.requests.get(grant.requestId) : undefined;
    if (!grant || !request) return { kind: 'refused', message: 'This access no longer exists.' };
    const what = accessLabel(request.snapshot.appName, request.snapshot.roleName);
    if (grant.userSlackId !== actorSlackId) {
      store.audit.append({ at: now, actor: { kind: 'user', slackId: actorSlackId }, action: 'relinquish.refused', requestId: request.id, data: { grantId } });
      return { kind: 'refused', message: ':no_entry: Only the person who holds this access can give it back.' };
    }
    if (!startRemoval(store, grant, 'relinquished', { kind: 'user', slackId: actorSlackId }, {}, now)) {
      const state = grant.status === 'ending' ? 'is already being removed' : `already ended (${grant.status})`;
      return { kind: 'refused', message: `Nothing to do: your *${what}* ${state}.` };
    }
    return { kind: 'started', what };
  });
}
