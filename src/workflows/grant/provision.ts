/**
 * Provision: after the last approval, add the requester to every group of the role, then (one transaction)
 * mark the request active, start the grant's clock, and enqueue the Jira comment, transition and DM.
 * Safe to run again after a crash: adds are idempotent and the activation is compare-and-set.
 */
import { accessLabel } from '../../domain/format.js';
import type { JobOf } from '../../store/jobs.repo.js';
import { openTask } from '../fulfilment/index.js';
import { providerFor, type SideEffectDeps } from '../shared/deps.js';
import { enqueueDm, enqueueJiraComment, enqueueJiraFields, enqueueJiraTransition } from '../shared/effects.js';
import { jiraWords } from '../shared/jira-words.js';
import { ensureIdpProfile } from '../shared/requester.js';
import { slackWords } from '../shared/slack-words.js';
import { moveRequest } from '../shared/transitions.js';

const PROVISIONING = { kind: 'system', reason: 'provisioning' } as const;

export async function provisionJob(deps: SideEffectDeps, job: JobOf<'idp.provision'>): Promise<void> {
  const { requestId } = job.payload;
  const { store } = deps;
  let request = store.requests.get(requestId);
  if (!request) return;
  if (request.status === 'approved') {
    moveRequest(store, requestId, { from: 'approved', to: 'provisioning', actor: PROVISIONING }, deps.clock.now());
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
  const provisioned = request;
  store.tx(() => {
    if (store.requests.get(requestId)?.status !== 'provisioning') return;
    const grant = store.grants.insert({
      requestId,
      userSlackId: provisioned.requesterSlackId,
      appId: provisioned.appId,
      roleId: provisioned.roleId,
      provider: provisioned.snapshot.provider,
      idpUserId: userId,
      groups: [...groups],
      startsAt: now.getTime(),
      endsAt: endsAt?.getTime() ?? null,
    });
    const data = { grantId: grant.id, provider: provisioned.snapshot.provider, idpUserId: userId, groups, endsAt: endsAt?.toISOString() ?? null };
    moveRequest(store, requestId, { from: 'provisioning', to: 'active', actor: PROVISIONING, action: 'grant.started', data }, now);
    enqueueJiraComment(
      store,
      requestId,
      jiraWords.granted({ userSlackId: provisioned.requesterSlackId, provider: provisioned.snapshot.provider, groups, at: now, idpUserId: userId, endsAt, durationMs: provisioned.durationMs }),
      now,
    );
    // Standing access is done once granted; time-bound access keeps its issue open until it ends.
    if (endsAt === null) enqueueJiraTransition(store, requestId, 'active', now);
    if (deps.jiraFields.accessStart || deps.jiraFields.accessEnd) enqueueJiraFields(store, requestId, { start: now, end: endsAt }, now);
    enqueueDm(store, provisioned.requesterSlackId, slackWords.granted(accessLabel(provisioned.snapshot.appName, provisioned.snapshot.roleName), endsAt), now, requestId);
  });
}
