/**
 * A Revoke in a review is enforcement, through the one removal path. Access granted through Keycard ends
 * its grant (`startRemoval`, reason revoked, noted "revoked in review <name>"): the removal job takes each
 * held group out, keeps a group another live grant needs, rechecks, comments on the request's issue and
 * tells the holder. Groups of the role Keycard did not put there (added by hand in the provider) are
 * removed here one by one with the same rules: each result recorded as it is known, a group another live
 * Keycard grant needs is kept, one failing group does not stop the others, and the job retries the rest.
 *
 * The item reads "revoked at 10:42" only once the provider confirmed every group gone (`confirmed`).
 */
import { PermanentError, RetryableError } from '../../domain/errors.js';
import { accessLabel } from '../../domain/format.js';
import type { Actor } from '../../domain/types.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { CampaignRow, ReviewItemRow } from '../../store/reviews.repo.js';
import { busyError, removeOutsideGrants, startRemoval } from '../grant/index.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import { enqueueDm, enqueueJiraComment } from '../shared/effects.js';
import { campaignJiraKey } from './start.js';
import { reviewJiraWords, reviewSlackWords } from './words.js';

function reviewerActor(item: ReviewItemRow): Actor {
  return item.decidedBy && item.decidedBy !== 'system' ? { kind: 'user', slackId: item.decidedBy } : { kind: 'system', reason: 'access review' };
}

export function itemLabel(deps: WorkflowDeps, item: Pick<ReviewItemRow, 'appId' | 'roleId'>): string {
  const app = deps.catalog().apps.find((a) => a.id === item.appId);
  const role = app?.roles.find((r) => r.id === item.roleId);
  return accessLabel(app?.name ?? item.appId, role?.name ?? item.roleId);
}

export async function reviewRevokeJob(deps: SideEffectDeps, job: JobOf<'review.revoke'>): Promise<void> {
  const { store } = deps;
  const first = store.reviews.item(job.payload.itemId);
  if (!first || first.decision !== 'revoke') return;
  // Revoke, Keep, Revoke again within the window: only the job of the decision in force enforces it, at its own time.
  if (job.payload.decidedAt !== undefined && first.enforcement === 'pending' && first.decidedAt !== job.payload.decidedAt) return;
  const pendingGrant = first.grantId ? store.grants.get(first.grantId) : undefined;
  if (pendingGrant?.status === 'provisioning') throw new RetryableError(`request #${pendingGrant.requestId} is still being granted; its revoke follows once it is active`);
  const campaign = store.reviews.campaign(first.campaignId);
  if (!campaign) return;
  // Claim it: from here on the decision can no longer change.
  const claimed = store.tx(() => {
    const now = deps.clock.now();
    if (!store.reviews.moveEnforcement(first.id, ['pending', 'failed', 'removing'], 'removing')) return false;
    if (first.enforcement === 'pending') {
      store.audit.append({ at: now, actor: reviewerActor(first), action: 'review.enforcing', requestId: first.requestId, data: { campaignId: campaign.id, itemId: first.id, groups: first.groups } });
      startGrantRemoval(deps, campaign, first, now);
    }
    return true;
  });
  if (!claimed) return;
  const item = store.reviews.item(first.id) ?? first;
  const grant = item.grantId ? store.grants.get(item.grantId) : undefined;
  // What a live grant holds is the grant's removal to take out; the rest is removed here.
  const live = grant !== undefined && (grant.status === 'active' || grant.status === 'ending');
  const grantHolds = new Set(live ? store.grants.groupRows(grant.id).map((r) => r.groupId) : []);
  const extras = item.groups.filter((g) => !grantHolds.has(g) && item.removed[g] === undefined);
  const { failures, busy } = await removeOutsideGrants(
    deps,
    { provider: item.provider, idpUserId: item.idpUserId, groups: extras, exceptGrantId: item.grantId, seenAt: campaign.createdAt, by: `access review #${campaign.id} (item ${item.id})`, actor: reviewerActor(item), ticket: `job:${job.id}` },
    (result) => recordGroup(deps, campaign, item, result.group, result.outcome, result.note),
  );
  if (failures.length === 0 && busy.length > 0) throw busyError(busy);
  if (failures.length > 0) {
    const why = failures.map((f) => `${f.group} (${f.error instanceof Error ? f.error.message : String(f.error)})`).join('; ');
    const message = `could not remove ${why}`;
    store.reviews.moveEnforcement(item.id, ['removing', 'failed'], 'failed', { error: message });
    const retryable = failures.find((f) => !(f.error instanceof PermanentError));
    if (retryable) throw new RetryableError(message, retryable.error instanceof RetryableError ? retryable.error.retryAfterMs : undefined);
    throw new PermanentError(message);
  }
  settleItem(deps, item.id);
}

/** Starts the grant's removal when the item's access came through Keycard and is still active. In a transaction. */
function startGrantRemoval(deps: WorkflowDeps, campaign: CampaignRow, item: ReviewItemRow, now: Date): void {
  const { store } = deps;
  if (!item.grantId) return;
  const grant = store.grants.get(item.grantId);
  if (grant?.status === 'ending') {
    // Already being removed (an auto reclaim, an admin's revoke): the item settles when that removal ends.
    store.audit.append({ at: now, actor: reviewerActor(item), action: 'review.already_removing', requestId: grant.requestId, data: { campaignId: campaign.id, itemId: item.id, grantId: grant.id, removing: grant.endingNote ?? grant.endingReason } });
    return;
  }
  if (!grant || grant.status !== 'active') return;
  const note = `revoked in review ${campaign.name}`;
  if (!startRemoval(store, grant, 'revoked', reviewerActor(item), { review: campaign.name, campaignId: campaign.id, itemId: item.id, reason: item.decisionReason }, now, note)) return;
  enqueueJiraComment(store, grant.requestId, [reviewJiraWords.revokedInReview(campaign.name, item)], now);
}

function recordGroup(deps: WorkflowDeps, campaign: CampaignRow, item: ReviewItemRow, group: string, outcome: string, note: string | null): void {
  const { store } = deps;
  store.tx(() => {
    store.reviews.recordRemoved(item.id, group, outcome);
    store.audit.append({
      at: deps.clock.now(),
      actor: reviewerActor(item),
      action: 'review.group_gone',
      requestId: item.requestId,
      data: { campaignId: campaign.id, itemId: item.id, group, outcome, ...(note ? { note } : {}) },
    });
  });
}

/**
 * Confirms the item when nothing of it is held any more: every group recorded gone here, and the grant
 * (if any) ended by its own removal. Tells the person when the access was not a Keycard grant (the grant's
 * removal tells its holder itself). False while something is still held.
 */
export function settleItem(deps: WorkflowDeps, itemId: number): boolean {
  const { store } = deps;
  return store.tx(() => {
    const item = store.reviews.item(itemId);
    if (!item || item.decision !== 'revoke' || (item.enforcement !== 'removing' && item.enforcement !== 'failed')) return false;
    const grant = item.grantId ? store.grants.get(item.grantId) : undefined;
    if (grant && (grant.status === 'active' || grant.status === 'ending' || grant.status === 'provisioning')) return false;
    const gone = new Map<string, string>(Object.entries(item.removed));
    if (grant && grant.endingSince !== null) for (const row of store.grants.groupRows(grant.id)) if (row.status === 'gone' && row.outcome) gone.set(row.groupId, row.outcome);
    if (item.groups.some((g) => !gone.has(g))) return false;
    const now = deps.clock.now();
    if (!store.reviews.moveEnforcement(item.id, ['removing', 'failed'], 'confirmed', { at: now, error: null })) return false;
    const campaign = store.reviews.campaign(item.campaignId);
    store.audit.append({
      at: now,
      actor: reviewerActor(item),
      action: 'review.revoked',
      requestId: item.requestId,
      data: { campaignId: item.campaignId, itemId: item.id, groups: Object.fromEntries(gone), review: campaign?.name },
    });
    if (!grant && item.slackId) enqueueDm(store, item.slackId, reviewSlackWords.removedInReview(itemLabel(deps, item), campaign?.name ?? '', item.decidedBy), now);
    // The last revoke of a closed review confirmed: its Jira issue gets the final summary.
    if (campaign?.status === 'closed' && !store.reviews.items(campaign.id).some((i) => i.decision === 'revoke' && i.enforcement !== 'confirmed')) {
      store.jobs.enqueue({ kind: 'review.summary', payload: { campaignId: campaign.id }, orderKey: campaignJiraKey(campaign.id) }, now);
    }
    return true;
  });
}

/** After a grant's removal finished: confirms the review items that waited for it. */
export async function reviewSettleJob(deps: SideEffectDeps, job: JobOf<'review.settle'>): Promise<void> {
  for (const item of deps.store.reviews.revokingThroughGrant(job.payload.grantId)) settleItem(deps, item.id);
}

/** An item's enforcement as people read it: `revoked at 10:42`, `removal failing: …`, `revoke queued`. */
export function enforcementState(deps: WorkflowDeps, item: ReviewItemRow): { state: 'none' | 'queued' | 'removing' | 'failing' | 'confirmed'; error: string | null } {
  if (item.decision !== 'revoke' || item.enforcement === null) return { state: 'none', error: null };
  if (item.enforcement === 'confirmed') return { state: 'confirmed', error: null };
  if (item.enforcement === 'pending') return { state: 'queued', error: null };
  if (item.enforcement === 'failed') return { state: 'failing', error: item.enforcementError };
  const grant = item.grantId ? deps.store.grants.get(item.grantId) : undefined;
  const failing = grant?.status === 'ending' ? deps.store.grants.held(grant.id).find((r) => r.lastError) : undefined;
  return failing ? { state: 'failing', error: `${failing.groupId}: ${failing.lastError}` } : { state: 'removing', error: null };
}
