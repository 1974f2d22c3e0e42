/**
 * A person suspended or deactivated in the identity provider outside Keycard (an access review or the
 * profile sync saw it): their Keycard grants on that account end through the one removal path (revoked,
 * noted "account inactive in <provider>"), their requests for that provider's apps still waiting for
 * approval are cancelled with their approvers' cards closed, and each request's Jira issue says why.
 */
import { accessLabel } from '../../domain/format.js';
import type { Actor } from '../../domain/types.js';
import { closePendingRequest } from '../request/index.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { enqueueJiraComment } from '../shared/effects.js';
import { jiraWords } from '../shared/jira-words.js';
import { slackWords } from '../shared/slack-words.js';
import { startRemoval } from './expire.js';

export interface InactiveAccountResult {
  readonly revoked: readonly number[];
  readonly cancelled: readonly number[];
}

/**
 * Ends the Keycard access of one provider account that is no longer active; request ids revoked and
 * cancelled. Idempotent: a grant already ending and a request already closed are left alone. Call inside a
 * transaction, or on its own (it opens one).
 */
export function endAccessOfInactiveAccount(deps: WorkflowDeps, provider: string, idpUserId: string, seenBy: string): InactiveAccountResult {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const actor: Actor = { kind: 'system', reason: `${provider} account inactive` };
    const note = `account inactive in ${provider}`;
    const revoked: number[] = [];
    const holders = new Set<string>();
    for (const held of store.grants.liveOfAccount(provider, idpUserId)) {
      const grant = store.grants.get(held.id);
      if (!grant) continue;
      holders.add(grant.userSlackId);
      if (grant.status !== 'active') continue;
      if (!startRemoval(store, grant, 'revoked', actor, { provider, idpUserId, seenBy }, now, note)) continue;
      enqueueJiraComment(store, grant.requestId, [jiraWords.accountInactive(provider, idpUserId, seenBy, 'access')], now);
      revoked.push(grant.requestId);
    }
    const cancelled: number[] = [];
    for (const slackId of holders) {
      for (const request of store.requests.listByRequester(slackId, ['pending_approval'])) {
        if (request.snapshot.provider !== provider) continue;
        const what = accessLabel(request.snapshot.appName, request.snapshot.roleName);
        const closed = closePendingRequest(deps, request, {
          actor,
          data: { reason: 'account_inactive', provider, idpUserId, seenBy },
          jiraLine: jiraWords.accountInactive(provider, idpUserId, seenBy, 'request'),
          dm: slackWords.cancelledAccountInactive(request.id, what, provider),
        });
        if (closed) cancelled.push(request.id);
      }
    }
    if (revoked.length > 0 || cancelled.length > 0) {
      store.audit.append({ at: now, actor, action: 'grant.account_inactive', data: { provider, idpUserId, seenBy, revoked, cancelled } });
    }
    return { revoked, cancelled };
  });
}
