/**
 * The one removal path: take the holder out of every group a grant that is `ending` still holds, one group
 * at a time, then end the grant, comment on Jira and tell the holder. Expiry, I'm done, revocation and an
 * undone provisioning all end here. A manual app's grant ends only when a person confirms the removal
 * (src/workflows/fulfilment/).
 *
 * Each group's fate is committed as soon as it is known (src/store/schema.ts `grantGroups`), so a crash,
 * a retry or an admin finishing by hand starts from exactly what is still held; a group that fails does
 * not stop the others. A group another live grant of the same account still needs is kept, decided here
 * against fresh state right before each call, since that grant may have started after this removal did.
 */
import { PermanentError, RetryableError } from '../../domain/errors.js';
import { accessLabel } from '../../domain/format.js';
import type { Actor, RemovalReason } from '../../domain/types.js';
import { actorLabel } from '../../store/audit.repo.js';
import type { GrantGroupRow, GrantRow, GroupOutcome } from '../../store/grants.repo.js';
import type { JobOf } from '../../store/jobs.repo.js';
import { openTask } from '../fulfilment/index.js';
import { providerFor, type SideEffectDeps, type WorkflowDeps } from '../shared/deps.js';
import { enqueueDm, enqueueJiraComment, enqueueJiraFields, enqueueJiraTransition } from '../shared/effects.js';
import { jiraWords } from '../shared/jira-words.js';
import { slackWords } from '../shared/slack-words.js';
import { endGrant } from '../shared/transitions.js';
import { endingReasonOf } from './expire.js';

/** The actor of a removal the system carries out. */
function removalActor(reason: RemovalReason): Actor {
  return { kind: 'system', reason: reason === 'expired' ? 'expiry schedule' : reason === 'rolled_back' ? 'provisioning undo' : reason };
}

/** The first other live grant of the same account whose role needs `groupId`, with its words; null when none. */
function neededElsewhere(deps: WorkflowDeps, grant: GrantRow, groupId: string): { requestId: number; what: string } | null {
  const other = deps.store.grants.othersNeedingGroups(grant).find((g) => g.groups.includes(groupId));
  if (!other) return null;
  const request = deps.store.requests.get(other.requestId);
  return { requestId: other.requestId, what: request ? accessLabel(request.snapshot.appName, request.snapshot.roleName) : `${other.appId} / ${other.roleId}` };
}

/** Records one held group as gone, with one audit event; false when it had gone already. Call inside a transaction. */
export function recordGroupGone(deps: WorkflowDeps, grant: GrantRow, row: GrantGroupRow, outcome: GroupOutcome, actor: Actor, note: string | null, now: Date): boolean {
  const { store } = deps;
  return store.tx(() => {
    if (!store.grants.markGone(row.id, { outcome, at: now, by: actorLabel(actor), note })) return false;
    store.audit.append({ at: now, actor, action: 'grant.group_gone', requestId: grant.requestId, data: { grantId: grant.id, group: row.groupId, outcome, ...(note ? { note } : {}) } });
    return true;
  });
}

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
  const held = store.grants.held(grant.id);
  const actor = removalActor(reason);
  const failures: Array<{ group: string; error: unknown }> = [];
  if (held.length > 0) {
    if (!grant.idpUserId) throw new PermanentError(`grant ${grant.id} holds ${held.map((g) => g.groupId).join(', ')} but has no identity-provider user on record`);
    const provider = providerFor(deps, grant.provider);
    deps.throttle(grant.provider, held.length, `job:${job.id}`);
    for (const row of held) {
      // Finished by hand meanwhile (src/workflows/grant/removed-by-hand.ts): nothing more to do.
      if (store.grants.get(grant.id)?.status !== 'ending') return;
      const keeper = neededElsewhere(deps, grant, row.groupId);
      if (keeper) {
        recordGroupGone(deps, grant, row, 'kept', actor, `still needed by request #${keeper.requestId} (${keeper.what})`, deps.clock.now());
        continue;
      }
      try {
        const outcome = await provider.removeFromGroup(grant.idpUserId, row.groupId);
        recordGroupGone(deps, grant, row, outcome, actor, null, deps.clock.now());
      } catch (error) {
        store.grants.markRemovalFailed(row.id, error instanceof Error ? error.message : String(error), deps.clock.now());
        failures.push({ group: row.groupId, error });
      }
    }
  }
  if (failures.length > 0) {
    // The job fails with the exact remainder; only a group still held is called again on a retry.
    const still = store.grants.held(grant.id).map((g) => g.groupId);
    const why = failures.map((f) => `${f.group} (${f.error instanceof Error ? f.error.message : String(f.error)})`).join('; ');
    const message = `could not remove ${why}; still held: ${still.join(', ')}`;
    const retryable = failures.find((f) => !(f.error instanceof PermanentError));
    if (retryable) throw new RetryableError(message, retryable.error instanceof RetryableError ? retryable.error.retryAfterMs : undefined);
    throw new PermanentError(message);
  }
  finishRemoval(deps, grant.id, actor);
}

/**
 * Ends an `ending` grant that holds nothing any more, with its Jira comment (what was removed, what was
 * kept and why), transition and DM; nothing when something is still held or it ended already. The
 * removal job and an admin who records the last group as removed by hand both finish here.
 */
export function finishRemoval(deps: WorkflowDeps, grantId: number, actor: Actor): boolean {
  const { store } = deps;
  return store.tx(() => {
    const grant = store.grants.get(grantId);
    const request = grant ? store.requests.get(grant.requestId) : undefined;
    if (!grant || !request || grant.status !== 'ending' || store.grants.held(grant.id).length > 0) return false;
    const reason = endingReasonOf(grant);
    const now = deps.clock.now();
    const rows = store.grants.groupRows(grant.id).filter((r) => r.status === 'gone' && (r.goneAt ?? 0) >= (grant.endingSince ?? 0));
    const outcomes = Object.fromEntries(rows.map((r) => [r.groupId, r.outcome]));
    const removed = rows.filter((r) => r.outcome !== 'kept').map((r) => r.groupId);
    const notes = rows.flatMap((r) => (r.outcome === 'kept' || r.outcome === 'not_member' || r.outcome === 'no_group' ? [jiraWords.groupOutcome(r.groupId, r.outcome, r.note)] : []));
    const heldMs = now.getTime() - grant.startsAt;
    if (!endGrant(store, grant, reason, actor, { groups: outcomes, idpUserId: grant.idpUserId, heldMs, ...(grant.endingNote ? { note: grant.endingNote } : {}) }, now)) return false;
    // An access review waits for this removal to confirm its Revoke (src/workflows/review/enforce.ts).
    if (store.reviews.revokingThroughGrant(grant.id).length > 0) store.jobs.enqueue({ kind: 'review.settle', payload: { grantId: grant.id } }, now);
    // An auto reclaim too (src/workflows/reclaim/enforce.ts); its own DM, with Ask for it back, tells the holder.
    const reclaimed = store.reclaim.removingThroughGrant(grant.id).length > 0;
    if (reclaimed) store.jobs.enqueue({ kind: 'reclaim.settle', payload: { grantId: grant.id } }, now);
    if (rows.some((r) => r.outcome === 'removed')) {
      store.jobs.enqueue({ kind: 'idp.recheck_removal', payload: { grantId: grant.id }, requestId: request.id, runAt: new Date(now.getTime() + deps.timing.removalRecheckMs) }, now);
    }
    if (reason === 'rolled_back') {
      // The request stays failed (an admin may retry it); the requester was told when it failed.
      enqueueJiraComment(store, request.id, [jiraWords.rolledBack(grant.userSlackId, removed, grant.provider, now), ...notes], now);
      return true;
    }
    enqueueJiraComment(store, request.id, [jiraWords.ended({ reason, userSlackId: grant.userSlackId, groups: removed, provider: grant.provider, at: now, heldMs, note: grant.endingNote }), ...notes], now);
    enqueueJiraTransition(store, request.id, 'ended', now);
    if (deps.jiraFields.accessEnd) enqueueJiraFields(store, request.id, { end: now }, now);
    if (!reclaimed) enqueueDm(store, grant.userSlackId, slackWords.ended(accessLabel(request.snapshot.appName, request.snapshot.roleName), reason, heldMs, grant.endingNote), now, request.id);
    return true;
  });
}
