/**
 * Starting a review: the campaign is checked against the catalog and written `building` with the jobs that
 * file its Jira issue and read the identity providers (src/workflows/review/build.ts), in one transaction.
 * The admin is answered at once, and told the item count by DM when the build is done.
 */
import { findApp } from '../../domain/catalog.js';
import { formatDateTimeUtc } from '../../domain/format.js';
import { reviewerToString, type ReviewSpec } from '../../domain/review.js';
import type { CampaignRow } from '../../store/reviews.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';

export type StartResult = { kind: 'started'; campaign: CampaignRow; text: string } | { kind: 'refused'; problems: string[] };

/** The label of a campaign's Jira issue: how its jobs find it, and how a retried create finds the first one. */
export function campaignLabel(campaignId: number): string {
  return `keycard-review-${campaignId}`;
}

/** One order for every Jira write about a campaign: the issue first, then comments and files. */
export function campaignJiraKey(campaignId: number): string {
  return `jira:label:${campaignLabel(campaignId)}`;
}

/** Checks the spec against the catalog in force; every problem at once, each naming its field. */
export function checkReviewSpec(deps: WorkflowDeps, spec: ReviewSpec): string[] {
  const catalog = deps.catalog();
  const problems: string[] = [];
  const known = catalog.apps.map((a) => a.id).join(', ');
  for (const id of spec.apps) {
    const app = findApp(catalog, id);
    if (!app) problems.push(`apps: '${id}' is not in the catalog; known apps: ${known}`);
    else if (app.provider === 'manual') problems.push(`apps: '${id}' is a manual app: no identity provider lists its members, so review it by hand`);
  }
  if (spec.reviewer.kind === 'group') {
    const name = spec.reviewer.name;
    const members = catalog.approverGroups[name];
    if (!members) problems.push(`reviewer: there is no approver group '${name}' in the catalog; groups: ${Object.keys(catalog.approverGroups).join(', ') || 'none'}`);
    else if (members.length === 0) problems.push(`reviewer: the approver group '${name}' has nobody in it`);
  }
  return problems;
}

/** `adminSlackId` must already be checked as an admin by the caller. */
export function startReview(deps: WorkflowDeps, adminSlackId: string, spec: ReviewSpec): StartResult {
  const problems = checkReviewSpec(deps, spec);
  if (problems.length > 0) return { kind: 'refused', problems };
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const campaign = store.reviews.insertCampaign(
      { name: spec.name, apps: [...spec.apps], reviewer: reviewerToString(spec.reviewer), dueAt: now.getTime() + spec.dueInMs, unreviewed: spec.unreviewed, createdBy: adminSlackId },
      now,
    );
    store.audit.append({ at: now, actor: { kind: 'user', slackId: adminSlackId }, action: 'review.started', data: { campaignId: campaign.id, name: spec.name, apps: spec.apps, reviewer: campaign.reviewer, dueAt: campaign.dueAt, unreviewed: spec.unreviewed } });
    store.jobs.enqueue({ kind: 'review.jira_issue', payload: { campaignId: campaign.id }, orderKey: campaignJiraKey(campaign.id) }, now);
    store.jobs.enqueue({ kind: 'review.build', payload: { campaignId: campaign.id } }, now);
    const text =
      `:mag: Review #${campaign.id} *${spec.name}* started: reading the members of ${spec.apps.join(', ')} from the identity providers. ` +
      `Reviewers: ${describeReviewer(campaign.reviewer)}; due ${formatDateTimeUtc(new Date(campaign.dueAt))}; undecided items are ${spec.unreviewed === 'keep' ? 'kept and flagged' : 'revoked'} at close. ` +
      `I'll DM you the item count and the Jira issue when it is ready.`;
    return { kind: 'started', campaign, text };
  });
}

export function describeReviewer(reviewer: string): string {
  if (reviewer === 'owner') return 'each app owner';
  if (reviewer === 'manager') return "each member's manager";
  return `the ${reviewer.replace(/^group:/, '')} approvers`;
}
