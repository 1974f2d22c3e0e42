/**
 * Provision: after the last approval, add the requester to every group of the role, then (one transaction)
 * mark the request active, start the grant's clock, and enqueue the Jira comment, transition and DM.
 * Safe to run again after a crash: adds are idempotent and the activation is compare-and-set.
 */
import { accessLabel, formatDateTimeUtc, formatDayTimeUtc } from '../domain/format.js';
import { formatDuration } from '../domain/duration.js';
import type { Job } from '../store/jobs.repo.js';
import { providerFor, type SideEffectDeps } from './deps.js';
import { enqueueDm, enqueueJiraComment, enqueueJiraFields, enqueueJiraTransition } from './effects.js';
import { ensureIdpProfile } from './requester.js';
import { openTask } from './fulfil.js';

export async function provisionJob(deps: SideEffectDeps, job: Job): Promise<void> {
  const { requestId } = job.payload as { requestId: number };
  const { store } = deps;
  let request = store.requests.get(requestId);
  if (!request) return;
  if (request.status === 'approved') {
    const now = deps.clock.now();
    store.tx(() => {
      if (store.requests.transition(requestId, ['approved'], 'provisioning', now)) {
        store.audit.append({ at: now, actor: { kind: 'system', reason: 'provisioning' }, action: 'request.provisioning', requestId, fromStatus: 'approved', toStatus: 'provisioning' });
      }
    });
    request = store.requests.get(requestId);
  }
  if (!request || request.status !== 'provisioning') return;

  request = await ensureIdpProfile(deps, request);
  if (request.snapshot.provider === 'manual') {
    // No groups to change: a person does it and confirms in Slack.
    await openTask(deps, request, 'grant', null, null);
    return;
  }
  const provider = providerFor(deps, request.snapshot.provider);
  const userId = request.idpUserId;
  if (!userId) throw new Error(`request ${requestId} has no identity-provider user`);
  deps.throttle(request.snapshot.provider, request.snapshot.groups.length, `job:${job.id}`);
  for (const group of request.snapshot.groups) {
    await provider.addToGroup(userId, group);
  }

  const now = deps.clock.now();
  const endsAt = request.durationMs !== null ? new Date(now.getTime() + request.durationMs) : null;
  const groups = request.snapshot.groups;
  const what = accessLabel(request.snapshot.appName, request.snapshot.roleName);
  const requester = request.requesterSlackId;
  store.tx(() => {
    if (!store.requests.transition(requestId, ['provisioning'], 'active', now)) return;
    const grant = store.grants.insert({
      requestId,
      userSlackId: requester,
      appId: request.appId,
      roleId: request.roleId,
      provider: request.snapshot.provider,
      idpUserId: userId,
      groups: [...groups],
      startsAt: now.getTime(),
      endsAt: endsAt?.getTime() ?? null,
    });
    store.audit.append({
      at: now,
      actor: { kind: 'system', reason: 'provisioning' },
      action: 'grant.started',
      requestId,
      fromStatus: 'provisioning',
      toStatus: 'active',
      data: { grantId: grant.id, provider: request.snapshot.provider, idpUserId: userId, groups, endsAt: endsAt?.toISOString() ?? null },
    });
    const until = endsAt ? `Access ends ${formatDateTimeUtc(endsAt)} (${formatDuration(request.durationMs ?? 0)}).` : 'Access is standing (no end date).';
    enqueueJiraComment(
      store,
      requestId,
      [`Added <@${requester}> to ${request.snapshot.provider} ${groups.length === 1 ? 'group' : 'groups'} ${groups.join(', ')} at ${formatDateTimeUtc(now)} (${request.snapshot.provider} user id ${userId}; membership confirmed).`, until],
      now,
    );
    // Standing access is done once granted; time-bound access keeps its issue open until it ends.
    if (endsAt === null) enqueueJiraTransition(store, requestId, 'active', now);
    if (deps.jiraFields.accessStart || deps.jiraFields.accessEnd) enqueueJiraFields(store, requestId, { start: now, end: endsAt }, now);
    const untilText = endsAt ? ` until ${formatDayTimeUtc(endsAt)}` : '';
    enqueueDm(store, requester, `:key: You now have *${what}*${untilText}.`, now, requestId);
  });
}
