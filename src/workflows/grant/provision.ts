/**
 * Provision: after the last approval, open the grant (`provisioning`), add the requester to every group of
 * the role, recording each confirmed add as held in its own transaction, then (one transaction) make the
 * grant and the request active, start the grant's clock, and enqueue the Jira comment, transition and DM.
 * Safe to run again after a crash: groups already held are not added again, adds are idempotent and the
 * activation is compare-and-set. A failure for good is undone by the admin failure path
 * (src/workflows/admin/failures.ts), through the one removal path.
 */
import { accessLabel } from '../../domain/format.js';
import type { GrantRow } from '../../store/grants.repo.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { RequestRow } from '../../store/requests.repo.js';
import { openTask } from '../fulfilment/index.js';
import { providerFor, type SideEffectDeps } from '../shared/deps.js';
import { enqueueDm, enqueueJiraComment, enqueueJiraFields, enqueueJiraTransition } from '../shared/effects.js';
import { jiraWords } from '../shared/jira-words.js';
import { ensureIdpProfile } from '../shared/requester.js';
import { slackWords } from '../shared/slack-words.js';
import { moveGrant, moveRequest, openGrant } from '../shared/transitions.js';

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
  const grant = openOrReopenGrant(deps, request, userId);
  if (!grant) return;
  const groups = request.snapshot.groups;
  const held = new Set(store.grants.held(grant.id).map((g) => g.groupId));
  const toAdd = groups.filter((g) => !held.has(g));
  deps.throttle(request.snapshot.provider, toAdd.length, `job:${job.id}`);
  for (const group of toAdd) {
    // Undone or revoked meanwhile: add nothing more (what is held is removed by that path).
    if (store.grants.get(grant.id)?.status !== 'provisioning') return;
    await provider.addToGroup(userId, group);
    // Committed at once: whatever happens next, this membership is on record as held.
    store.tx(() => {
      const at = deps.clock.now();
      store.grants.markHeld(grant.id, group, at);
      store.audit.append({ at, actor: PROVISIONING, action: 'grant.group_added', requestId, data: { grantId: grant.id, group } });
    });
  }

  const now = deps.clock.now();
  const endsAt = request.durationMs !== null ? new Date(now.getTime() + request.durationMs) : null;
  const provisioned = request;
  store.tx(() => {
    if (store.requests.get(requestId)?.status !== 'provisioning') return;
    const data = { provider: provisioned.snapshot.provider, idpUserId: userId, groups, endsAt: endsAt?.toISOString() ?? null };
    const moved = moveGrant(
      store,
      grant.id,
      { from: 'provisioning', to: 'active', actor: PROVISIONING, action: 'grant.started', data, set: { startsAt: now.getTime(), endsAt: endsAt?.getTime() ?? null }, request: { from: 'provisioning', to: 'active' } },
      now,
    );
    if (!moved) return;
    // A reclaim's downgrade waits for this lower role before it removes the higher one (src/workflows/reclaim/enforce.ts).
    if (store.reclaim.waitingOnRequest(requestId).length > 0) store.jobs.enqueue({ kind: 'reclaim.settle', payload: { grantId: grant.id } }, now);
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

/**
 * The request's grant in `provisioning`: opened on the first run, reopened from scratch after an undone
 * attempt (an admin's retry), as it is when a run is repeated after a crash or a retryable failure. Null
 * when there is nothing to provision: the grant is active already, or the undo of an earlier attempt has
 * not finished (its groups are still being removed).
 */
function openOrReopenGrant(deps: SideEffectDeps, request: RequestRow, userId: string): GrantRow | null {
  const { store } = deps;
  const now = deps.clock.now();
  const existing = store.grants.forRequest(request.id);
  if (!existing) {
    return openGrant(
      store,
      {
        requestId: request.id,
        userSlackId: request.requesterSlackId,
        appId: request.appId,
        roleId: request.roleId,
        provider: request.snapshot.provider,
        idpUserId: userId,
        groups: [...request.snapshot.groups],
        startsAt: now.getTime(),
        endsAt: null,
      },
      PROVISIONING,
      now,
    );
  }
  if (existing.status === 'rolled_back') {
    const set = { endedAt: null, endReason: null, endingReason: null, endingSince: null, startsAt: now.getTime() };
    if (!moveGrant(store, existing.id, { from: 'rolled_back', to: 'provisioning', actor: PROVISIONING, action: 'grant.reprovisioning', set }, now)) return null;
    return store.grants.get(existing.id) ?? null;
  }
  return existing.status === 'provisioning' ? existing : null;
}
