/**
 * The one removal path: take the holder out of every group of a grant that is `ending`, then end the
 * grant and its request, comment on Jira and tell the holder. Expiry, I'm done and revocation all end here.
 * A manual app's grant ends only when a person confirms the removal (src/workflows/fulfilment/).
 */
import { accessLabel } from '../../domain/format.js';
import type { JobOf } from '../../store/jobs.repo.js';
import { openTask } from '../fulfilment/index.js';
import { providerFor, type SideEffectDeps } from '../shared/deps.js';
import { enqueueDm, enqueueJiraComment, enqueueJiraFields, enqueueJiraTransition } from '../shared/effects.js';
import { jiraWords } from '../shared/jira-words.js';
import { slackWords } from '../shared/slack-words.js';
import { endGrant } from '../shared/transitions.js';

export async function deprovisionJob(deps: SideEffectDeps, job: JobOf<'idp.deprovision'>): Promise<void> {
  const { grantId, reason } = job.payload;
  const { store } = deps;
  const grant = store.grants.get(grantId);
  if (!grant || grant.status !== 'ending') return;
  const request = store.requests.get(grant.requestId);
  if (!request) return;
  if (grant.provider === 'manual') {
    // The grant ends only when a person confirms the removal (src/workflows/fulfilment/).
    await openTask(deps, request, 'revoke', grant.id, reason);
    return;
  }
  const provider = providerFor(deps, grant.provider);
  if (grant.idpUserId) {
    deps.throttle(grant.provider, grant.groups.length, `job:${job.id}`);
    for (const group of grant.groups) await provider.removeFromGroup(grant.idpUserId, group);
  }

  const now = deps.clock.now();
  const heldMs = now.getTime() - grant.startsAt;
  const actor = { kind: 'system', reason: reason === 'expired' ? 'expiry schedule' : reason } as const;
  store.tx(() => {
    if (!endGrant(store, grant, reason, actor, { groups: grant.groups, idpUserId: grant.idpUserId, heldMs }, now)) return;
    enqueueJiraComment(store, request.id, [jiraWords.ended({ reason, userSlackId: grant.userSlackId, groups: grant.groups, provider: grant.provider, at: now, heldMs })], now);
    enqueueJiraTransition(store, request.id, 'ended', now);
    if (deps.jiraFields.accessEnd) enqueueJiraFields(store, request.id, { end: now }, now);
    enqueueDm(store, grant.userSlackId, slackWords.ended(accessLabel(request.snapshot.appName, request.snapshot.roleName), reason, heldMs), now, request.id);
  });
}
