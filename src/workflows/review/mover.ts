/**
 * A mover review: when someone changes department or manager, the access they hold through a bundle that
 * no longer matches goes to their new manager as a small access review of only those items, decided with
 * the same Keep / Revoke as any review (and enforced, reminded and closed the same way: unreviewed items are
 * kept and flagged at the due date). The items are what Keycard granted, so no provider is read: the
 * campaign opens at once with its Jira issue and the reviewer's DM.
 */
import { accessLabel } from '../../domain/format.js';
import type { CampaignRow, NewReviewItem } from '../../store/reviews.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { enqueueReviewerDms } from './notify.js';
import { campaignJiraKey } from './start.js';

/** How long a mover review stays open before its undecided items are kept and flagged. */
export const MOVER_REVIEW_DUE_MS = 14 * 24 * 3600_000;

export interface MoverReviewSpec {
  readonly name: string;
  readonly person: { readonly slackId: string; readonly email: string; readonly name: string; readonly title: string | null; readonly department: string | null };
  /** The new manager; null sends the items to the admins. */
  readonly reviewerSlackId: string | null;
  /** Why the admins get the items when there is no reviewer. */
  readonly reviewerNote: string | null;
  /** Each grant to review, with why Keycard recommends revoking it. */
  readonly items: ReadonlyArray<{ readonly grantId: number; readonly reason: string }>;
  /** Who gets the evidence when the review closes on its due date (an admin). */
  readonly createdBy: string;
}

/** Opens the mover review; null when none of the grants is still active. Call inside a transaction. */
export function openMoverReview(deps: WorkflowDeps, spec: MoverReviewSpec): CampaignRow | null {
  const { store } = deps;
  const now = deps.clock.now();
  const items: NewReviewItem[] = [];
  for (const { grantId, reason } of spec.items) {
    const grant = store.grants.get(grantId);
    const request = grant ? store.requests.get(grant.requestId) : undefined;
    if (!grant || !request || grant.status !== 'active') continue;
    items.push({
      appId: grant.appId,
      roleId: grant.roleId,
      provider: grant.provider,
      groups: [...grant.groups],
      idpUserId: grant.idpUserId ?? '',
      email: spec.person.email,
      name: spec.person.name,
      title: spec.person.title,
      department: spec.person.department,
      accountStatus: 'active',
      slackId: spec.person.slackId,
      lastSignInAt: null,
      lastSignInScope: 'none',
      grantId: grant.id,
      requestId: request.id,
      jiraKey: request.jiraKey,
      recommendation: 'revoke',
      recommendationReason: reason,
      reviewerSlackId: spec.reviewerSlackId === spec.person.slackId ? null : spec.reviewerSlackId,
      reviewerNote: spec.reviewerSlackId && spec.reviewerSlackId !== spec.person.slackId ? null : spec.reviewerNote,
    });
  }
  if (items.length === 0) return null;
  const apps = [...new Set(items.map((i) => i.appId))];
  const campaign = store.reviews.insertCampaign({ name: spec.name, apps, reviewer: 'manager', dueAt: now.getTime() + MOVER_REVIEW_DUE_MS, unreviewed: 'keep', createdBy: spec.createdBy }, now);
  store.reviews.moveCampaign(campaign.id, 'building', 'open');
  store.reviews.insertItems(campaign.id, items);
  const what = items.map((i) => accessLabel(i.appId, i.roleId));
  store.audit.append({ at: now, actor: { kind: 'system', reason: 'profile sync' }, action: 'review.started', data: { campaignId: campaign.id, name: spec.name, kind: 'mover', person: spec.person.email, reviewer: spec.reviewerSlackId, items: what } });
  store.jobs.enqueue({ kind: 'review.jira_issue', payload: { campaignId: campaign.id }, orderKey: campaignJiraKey(campaign.id) }, now);
  enqueueReviewerDms(deps, campaign.id, now);
  return store.reviews.campaign(campaign.id) ?? campaign;
}
