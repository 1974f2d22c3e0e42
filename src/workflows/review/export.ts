/**
 * The evidence of a review as CSV: one row per item with the person, the access, how it came about, the
 * recommendation, the decision and when the provider confirmed the removal. Made at close and again on
 * `/access-admin review export <id>`, DM'd to the admin and attached to the campaign's Jira issue.
 */
import type { JobOf } from '../../store/jobs.repo.js';
import type { CampaignRow, ReviewItemRow } from '../../store/reviews.repo.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import { csvField, csvTime } from '../shared/csv.js';
import { enqueueAttachFile, enqueueFileDm, saveExportFile } from '../shared/effects.js';
import { enforcementState } from './enforce.js';
import { campaignLabel } from './start.js';
import { reasonText } from './words.js';

export const REVIEW_CSV_COLUMNS = [
  'campaign',
  'item',
  'person',
  'email',
  'title',
  'department',
  'account status',
  'app',
  'role',
  'group',
  'last sign-in',
  'last sign-in source',
  'how granted',
  'jira key',
  'recommendation',
  'recommendation reason',
  'reviewer',
  'decision',
  'reason',
  'decided by',
  'decided at',
  'removal confirmed at',
  'removal state',
] as const;

const iso = csvTime;

export function reviewCsv(deps: WorkflowDeps, campaign: CampaignRow, items: readonly ReviewItemRow[], names: ReadonlyMap<string, string>): string {
  const rows = [REVIEW_CSV_COLUMNS.join(',')];
  const catalog = deps.catalog();
  for (const item of items) {
    const app = catalog.apps.find((a) => a.id === item.appId);
    const role = app?.roles.find((r) => r.id === item.roleId);
    const reviewer = item.reviewerSlackId ? (names.get(item.reviewerSlackId) ?? item.reviewerSlackId) : 'Keycard admins';
    const decider = item.decidedBy === 'system' ? 'review policy (not reviewed)' : item.decidedBy ? (names.get(item.decidedBy) ?? item.decidedBy) : '';
    const state = enforcementState(deps, item);
    rows.push(
      [
        campaign.name,
        item.id,
        item.name,
        item.email,
        item.title,
        item.department,
        item.accountStatus,
        app?.name ?? item.appId,
        role?.name ?? item.roleId,
        item.groups.join('; '),
        iso(item.lastSignInAt),
        item.lastSignInScope === 'none' ? 'unknown (provider cannot tell)' : item.lastSignInScope === 'app' ? 'this app' : 'any app (overall)',
        item.requestId ? `Keycard request #${item.requestId}` : 'not granted through Keycard',
        item.jiraKey,
        item.recommendation,
        item.recommendationReason,
        reviewer,
        item.decision ?? 'undecided',
        item.decision === 'revoke' || item.decisionReason === 'unreviewed' ? reasonText(item) : '',
        decider,
        iso(item.decidedAt),
        state.state === 'confirmed' ? iso(item.enforcedAt) : '',
        state.state === 'none' ? '' : state.error ? `${state.state}: ${state.error}` : state.state,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${rows.join('\r\n')}\r\n`;
}

export function reviewFileName(campaign: CampaignRow, at: Date): string {
  const slug = campaign.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'review';
  return `keycard-review-${campaign.id}-${slug}-${at.toISOString().slice(0, 10)}.csv`;
}

/** Makes the CSV now, saves it, and queues it to the admin and (when filed) the campaign's issue. */
export async function reviewExportJob(deps: SideEffectDeps, job: JobOf<'review.export'>): Promise<void> {
  const { store } = deps;
  const campaign = store.reviews.campaign(job.payload.campaignId);
  if (!campaign) return;
  const items = store.reviews.items(campaign.id);
  const names = new Map<string, string>();
  for (const id of new Set(items.flatMap((i) => [i.reviewerSlackId, i.decidedBy]).filter((x): x is string => x !== null && x !== 'system'))) {
    const profile = await deps.directory.profile(id);
    if (profile) names.set(id, profile.email ? `${profile.name} (${profile.email})` : profile.name);
  }
  const now = deps.clock.now();
  const csv = reviewCsv(deps, campaign, items, names);
  store.tx(() => {
    const fileId = saveExportFile(store, reviewFileName(campaign, now), 'text/csv', csv, now);
    enqueueFileDm(store, job.payload.to, fileId, `Access review #${campaign.id} ${campaign.name}: evidence`, `Evidence of access review #${campaign.id} *${campaign.name}*: ${items.length} items.`, now);
    enqueueAttachFile(store, campaignLabel(campaign.id), fileId, now);
    store.audit.append({ at: now, actor: { kind: 'system', reason: 'access review' }, action: 'review.exported', data: { campaignId: campaign.id, items: items.length, to: job.payload.to, fileId } });
  });
}

/** `review export <id>`: queues a fresh CSV for the admin; an error sentence when there is nothing to export. */
export function requestReviewExport(deps: WorkflowDeps, adminSlackId: string, campaignId: number): string {
  const campaign = deps.store.reviews.campaign(campaignId);
  if (!campaign) return `No review #${campaignId}. See \`/access-admin review status\`.`;
  if (campaign.status === 'building' || campaign.status === 'failed') return `Review #${campaignId} has no items to export (it is ${campaign.status}).`;
  deps.store.jobs.enqueue({ kind: 'review.export', payload: { campaignId, to: adminSlackId } }, deps.clock.now());
  return `The evidence CSV of review #${campaignId} *${campaign.name}* is on its way to you by DM (and to its Jira issue).`;
}
