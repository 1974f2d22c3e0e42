/**
 * Closing a review (by an admin, or on its due date): the campaign's policy is applied to every undecided
 * item (kept and flagged, or revoked through the removal path), revokes still in their change window are
 * enforced at once, the summary goes to the campaign's Jira issue and the evidence CSV to the admin and
 * the issue. Status: progress per reviewer and per app.
 */
import { formatDateTimeUtc } from '../../domain/format.js';
import type { Actor } from '../../domain/types.js';
import { actorLabel } from '../../store/audit.repo.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { CampaignRow, ReviewItemRow } from '../../store/reviews.repo.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import { enforcementState } from './enforce.js';
import { remindReviewers } from './notify.js';
import { campaignJiraKey, describeReviewer } from './start.js';
import { reviewJiraWords, type ReviewSummary } from './words.js';

export type CloseResult = { kind: 'closed'; text: string } | { kind: 'refused'; message: string };

/** `actor` a user already checked as an admin, or the due-date schedule. */
export function closeReview(deps: WorkflowDeps, campaignId: number, actor: Actor): CloseResult {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const campaign = store.reviews.campaign(campaignId);
    if (!campaign) return { kind: 'refused', message: `No review #${campaignId}. See \`/access-admin review status\`.` };
    if (campaign.status !== 'open') return { kind: 'refused', message: `Review #${campaignId} is ${campaign.status}: only an open review can be closed.` };
    const closedBy = actor.kind === 'user' ? actor.slackId : null;
    store.reviews.moveCampaign(campaign.id, 'open', 'closed', { closedAt: now.getTime(), closedBy });
    const items = store.reviews.items(campaign.id);
    const undecided = items.filter((i) => i.decision === null);
    for (const item of undecided) {
      if (campaign.unreviewed === 'keep') {
        store.reviews.decide(item.id, { decision: 'keep', reason: 'unreviewed', note: null, by: 'system', at: now, flagged: true });
      } else {
        store.reviews.decide(item.id, { decision: 'revoke', reason: 'unreviewed', note: null, by: 'system', at: now, flagged: true });
      }
    }
    // Every revoke, including those still in their change window, is enforced now.
    for (const item of store.reviews.items(campaign.id)) {
      if (item.decision === 'revoke' && item.enforcement === 'pending') {
        store.jobs.enqueue({ kind: 'review.revoke', payload: { itemId: item.id }, orderKey: `review-item:${item.id}` }, now);
      }
    }
    store.audit.append({
      at: now,
      actor,
      action: 'review.closed',
      data: { campaignId: campaign.id, items: items.length, unreviewed: undecided.length, policy: campaign.unreviewed },
    });
    store.jobs.enqueue({ kind: 'review.summary', payload: { campaignId: campaign.id }, orderKey: campaignJiraKey(campaign.id) }, now);
    store.jobs.enqueue({ kind: 'review.export', payload: { campaignId: campaign.id, to: closedBy ?? campaign.createdBy } }, now);
    const policy = campaign.unreviewed === 'keep' ? 'kept and flagged' : 'revoked';
    return {
      kind: 'closed',
      text: `Review #${campaign.id} *${campaign.name}* is closed by ${actorLabel(actor)}: ${undecided.length} undecided item(s) ${policy}. The summary goes to ${campaign.jiraKey ?? 'its Jira issue'} and the evidence CSV to you.`,
    };
  });
}

/** Closes open campaigns whose due date has come and reminds reviewers of the others. */
export function sweepReviews(deps: WorkflowDeps): { closed: number; reminded: number } {
  let closed = 0;
  const now = deps.clock.now().getTime();
  for (const campaign of deps.store.reviews.campaigns(['open'])) {
    if (campaign.dueAt <= now && closeReview(deps, campaign.id, { kind: 'system', reason: 'review due date' }).kind === 'closed') closed += 1;
  }
  return { closed, reminded: remindReviewers(deps) };
}

export function summarize(deps: WorkflowDeps, items: readonly ReviewItemRow[]): ReviewSummary {
  const states = items.map((i) => (i.decision === 'revoke' ? enforcementState(deps, i).state : 'none'));
  return {
    items: items.length,
    kept: items.filter((i) => i.decision === 'keep').length,
    flagged: items.filter((i) => i.decision === 'keep' && i.flagged).length,
    revoked: items.filter((i) => i.decision === 'revoke').length,
    confirmed: states.filter((s) => s === 'confirmed').length,
    removing: states.filter((s) => s === 'queued' || s === 'removing').length,
    failing: states.filter((s) => s === 'failing').length,
    unreviewed: items.filter((i) => i.decision === null || i.decisionReason === 'unreviewed').length,
    outside: items.filter((i) => i.grantId === null).length,
  };
}

export async function reviewSummaryJob(deps: SideEffectDeps, job: JobOf<'review.summary'>): Promise<void> {
  const campaign = deps.store.reviews.campaign(job.payload.campaignId);
  if (!campaign?.jiraKey) return;
  const summary = summarize(deps, deps.store.reviews.items(campaign.id));
  const at = new Date(campaign.closedAt ?? deps.clock.now().getTime());
  const lines = reviewJiraWords.summary(summary, campaign.closedBy, at);
  if (summary.revoked > 0 && summary.confirmed === summary.revoked) lines.push(reviewJiraWords.allConfirmed(summary.confirmed, deps.clock.now()));
  await deps.ticketing.addComment(campaign.jiraKey, lines);
}

/** `/access-admin review status [id]`: the newest campaigns, or one campaign per reviewer and per app. */
export function reviewStatusText(deps: WorkflowDeps, campaignId: number | null): string {
  const { store } = deps;
  if (campaignId === null) {
    const campaigns = store.reviews.campaigns().slice(0, 10);
    if (campaigns.length === 0) return 'No access reviews yet. Start one with `/access-admin review start`.';
    return ['*Access reviews*', ...campaigns.map((c) => `• #${c.id} *${c.name}*: ${campaignLine(deps, c)}`), 'Details: `/access-admin review status <id>`.'].join('\n');
  }
  const campaign = store.reviews.campaign(campaignId);
  if (!campaign) return `No review #${campaignId}. See \`/access-admin review status\`.`;
  const items = store.reviews.items(campaign.id);
  const s = summarize(deps, items);
  const lines = [
    `*Review #${campaign.id} ${campaign.name}*: ${campaignLine(deps, campaign)}`,
    `Reviewers: ${describeReviewer(campaign.reviewer)}; due ${formatDateTimeUtc(new Date(campaign.dueAt))}; undecided at close: ${campaign.unreviewed === 'keep' ? 'kept and flagged' : 'revoked'}${campaign.jiraKey ? `; Jira ${campaign.jiraKey}` : ''}.`,
    `Kept ${s.kept}, revoked ${s.revoked} (confirmed ${s.confirmed}, in progress ${s.removing}, failing ${s.failing}), undecided ${items.filter((i) => i.decision === null).length}; not granted through Keycard: ${s.outside}.`,
    '*Per reviewer*',
  ];
  const byReviewer = group(items, (i) => (i.reviewerSlackId ? `<@${i.reviewerSlackId}>` : 'the admins'));
  for (const [who, list] of byReviewer) lines.push(`• ${who}: ${progress(list)}`);
  lines.push('*Per app*');
  for (const [app, list] of group(items, (i) => i.appId)) lines.push(`• ${app}: ${progress(list)}, ${list.filter((i) => i.decision === 'revoke').length} revoked`);
  for (const item of items.filter((i) => enforcementState(deps, i).state === 'failing').slice(0, 10)) {
    lines.push(`:warning: removal failing for ${item.name} (${item.appId}/${item.roleId}): ${enforcementState(deps, item).error ?? ''}`);
  }
  return lines.join('\n').slice(0, 3900);
}

function campaignLine(deps: WorkflowDeps, c: CampaignRow): string {
  if (c.status === 'building') return 'being built from the identity providers';
  if (c.status === 'failed') return `could not be built: ${c.failure ?? 'unknown error'}`;
  const items = deps.store.reviews.items(c.id);
  const decided = items.filter((i) => i.decision !== null).length;
  return `${c.status}, ${decided} of ${items.length} decided${c.status === 'closed' && c.closedAt ? `, closed ${formatDateTimeUtc(new Date(c.closedAt))}` : `, due ${formatDateTimeUtc(new Date(c.dueAt))}`}`;
}

function progress(items: readonly ReviewItemRow[]): string {
  const decided = items.filter((i) => i.decision !== null).length;
  return `${decided}/${items.length} decided${decided === items.length ? ' :white_check_mark:' : ''}`;
}

function group<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    (out.get(k) ?? out.set(k, []).get(k)!).push(item);
  }
  return out;
}
