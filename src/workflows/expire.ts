/**
 * Expire: the schedule finds grants whose end has come and, per grant in one transaction, marks it ending
 * and enqueues its removal. The removal job takes the user out of every group, then ends the grant and
 * the request, comments on Jira and tells the user. A sweep missed while the process was down runs at
 * start-up, because it only compares end times with now.
 */
import { accessLabel, formatDateTimeUtc } from '../domain/format.js';
import { formatDuration } from '../domain/duration.js';
import type { Job } from '../store/jobs.repo.js';
import type { WorkflowDeps } from './deps.js';
import { providerFor, type SideEffectDeps } from './deps.js';
import { openTask } from './fulfil.js';
import { enqueueDeprovision, enqueueDm, enqueueJiraComment, enqueueJiraFields, enqueueJiraTransition } from './effects.js';

export type EndReason = 'expired' | 'revoked' | 'relinquished';

/** Starts the removal of due grants, at most `maxBatches` batches of `batchSize`; returns how many it started. */
export function sweepExpired(deps: WorkflowDeps, batchSize = 500, maxBatches = Number.POSITIVE_INFINITY): number {
  const { store } = deps;
  let started = 0;
  for (let batch = 0; batch < maxBatches; batch += 1) {
    const now = deps.clock.now();
    const due = store.grants.due(now, batchSize);
    if (due.length === 0) return started;
    store.tx(() => {
      for (const grant of due) {
        if (!store.grants.transition(grant.id, 'active', 'ending')) continue;
        store.audit.append({ at: now, actor: { kind: 'system', reason: 'expiry schedule' }, action: 'grant.expiring', requestId: grant.requestId, data: { grantId: grant.id, endsAt: grant.endsAt } });
        enqueueDeprovision(store, grant.requestId, grant.id, 'expired', now);
        started += 1;
      }
    });
    if (due.length < batchSize) return started;
  }
  return started;
}

export async function deprovisionJob(deps: SideEffectDeps, job: Job): Promise<void> {
  const { grantId, reason } = job.payload as { grantId: number; reason: EndReason };
  const { store } = deps;
  const grant = store.grants.get(grantId);
  if (!grant || grant.status !== 'ending') return;
  const request = store.requests.get(grant.requestId);
  if (!request) return;
  if (grant.provider === 'manual') {
    // The grant ends only when a person confirms the removal (src/workflows/fulfil.ts).
    await openTask(deps, request, 'revoke', grant.id, reason);
    return;
  }
  const provider = providerFor(deps, grant.provider);
  if (grant.idpUserId) {
    deps.throttle(grant.provider, grant.groups.length, `job:${job.id}`);
    for (const group of grant.groups) await provider.removeFromGroup(grant.idpUserId, group);
  }

  const now = deps.clock.now();
  const held = formatDuration(now.getTime() - grant.startsAt);
  const what = accessLabel(request.snapshot.appName, request.snapshot.roleName);
  store.tx(() => {
    if (!store.grants.transition(grant.id, 'ending', reason, { endedAt: now.getTime(), endReason: reason })) return;
    store.requests.transition(request.id, ['active'], reason, now);
    store.audit.append({
      at: now,
      actor: { kind: 'system', reason: reason === 'expired' ? 'expiry schedule' : reason },
      action: `grant.${reason}`,
      requestId: request.id,
      fromStatus: 'active',
      toStatus: reason,
      data: { grantId: grant.id, groups: grant.groups, idpUserId: grant.idpUserId, heldMs: now.getTime() - grant.startsAt },
    });
    const removed = `removed <@${grant.userSlackId}> from ${grant.groups.join(', ')} in ${grant.provider} at ${formatDateTimeUtc(now)}`;
    const line =
      reason === 'relinquished'
        ? `Relinquished by the user after ${held}: ${removed}.`
        : `Access ended (${reason}) at ${formatDateTimeUtc(now)} after ${held}: ${removed.replace(/ at .*$/, '')}.`;
    enqueueJiraComment(store, request.id, [line], now);
    enqueueJiraTransition(store, request.id, 'ended', now);
    if (deps.jiraFields.accessEnd) enqueueJiraFields(store, request.id, { end: now }, now);
    const dm =
      reason === 'relinquished'
        ? `:wave: Done: you no longer have *${what}* (you had it for ${held}). Thanks for giving it back.`
        : `:hourglass: Your access to *${what}* has ended (${reason} after ${held}). Use \`/request\` if you need it again.`;
    enqueueDm(store, grant.userSlackId, dm, now, request.id);
  });
}
