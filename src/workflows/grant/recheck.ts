/**
 * After a removal: ask the provider again, `removalRecheckMs` later, whether each membership this grant
 * removed is really gone. A write whose answer Keycard never got (a timeout, a process killed mid-call) can
 * still land after the removal, and the person would hold access with no record of it. A membership that
 * came back, and that no other live grant of the same account needs, is removed again, recorded on the
 * grant's issue and alerted; the memberships found still gone are recorded too (`grant.removal_rechecked`), the
 * proof an audit shows that the removal held. Enqueued by `finishRemoval` in the transaction that ends the grant.
 */
import { accessLabel } from '../../domain/format.js';
import type { JobOf } from '../../store/jobs.repo.js';
import { providerFor, type SideEffectDeps } from '../shared/deps.js';
import { enqueueAlert, enqueueJiraComment } from '../shared/effects.js';
import { jiraWords } from '../shared/jira-words.js';
import { alertWords } from '../shared/slack-words.js';

const RECHECK = { kind: 'system', reason: 'removal recheck' } as const;

export async function recheckRemovalJob(deps: SideEffectDeps, job: JobOf<'idp.recheck_removal'>): Promise<void> {
  const { store } = deps;
  const grant = store.grants.get(job.payload.grantId);
  if (!grant?.idpUserId || grant.provider === 'manual') return;
  const removed = store.grants.groupRows(grant.id).filter((r) => r.status === 'gone' && r.outcome === 'removed');
  if (removed.length === 0) return;
  const provider = providerFor(deps, grant.provider);
  deps.throttle(grant.provider, removed.length, `job:${job.id}`);
  const needed = new Set(store.grants.othersNeedingGroups(grant).flatMap((g) => g.groups));
  const gone: string[] = [];
  for (const row of removed) {
    // Another live grant holds it now on its own record: that membership is not this grant's to undo.
    if (needed.has(row.groupId)) continue;
    if (!(await provider.isMember(grant.idpUserId, row.groupId))) {
      gone.push(row.groupId);
      continue;
    }
    await provider.removeFromGroup(grant.idpUserId, row.groupId);
    const now = deps.clock.now();
    const request = store.requests.get(grant.requestId);
    const what = request ? accessLabel(request.snapshot.appName, request.snapshot.roleName) : `${grant.appId} / ${grant.roleId}`;
    store.tx(() => {
      store.audit.append({ at: now, actor: RECHECK, action: 'grant.group_reappeared', requestId: grant.requestId, data: { grantId: grant.id, group: row.groupId, removedAgain: true } });
      enqueueJiraComment(store, grant.requestId, [jiraWords.membershipReappeared(row.groupId, now)], now);
      enqueueAlert(store, alertWords.membershipReappeared(grant.requestId, what, grant.userSlackId, row.groupId, grant.provider), now, grant.requestId);
    });
  }
  // The proof that the removal held (`/access-admin audit` shows it): on record for good, unlike the job row.
  if (gone.length > 0) store.audit.append({ at: deps.clock.now(), actor: RECHECK, action: 'grant.removal_rechecked', requestId: grant.requestId, data: { grantId: grant.id, stillGone: gone } });
}
