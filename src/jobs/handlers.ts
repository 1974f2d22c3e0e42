/**
 * Maps each job kind to the workflow that carries it out. The type requires a handler for every kind in
 * src/store/job-kinds.ts, each given its own kind's payload.
 *
 * The generic effects that belong to no one capability (a Jira issue addressed by its label, an export file
 * attached in Jira or DM'd in Slack) are carried out here; features queue them with the helpers in
 * src/workflows/shared/effects.ts.
 */
import { PermanentError, RetryableError } from '../domain/errors.js';
import type { CreatedIssue } from '../jira/types.js';
import type { CommentLine } from '../store/job-kinds.js';
import type { JobOf } from '../store/jobs.repo.js';
import type { ExportFileRow } from '../store/files.repo.js';
import { approverDmJob, escalateStepJob, routeStageJob, updateStepJob } from '../workflows/approval/index.js';
import { taskJob, updateTaskJob } from '../workflows/fulfilment/index.js';
import { deprovisionJob, grantNoticeJob, provisionJob, recheckRemovalJob } from '../workflows/grant/index.js';
import { alertJob, commentJob, createIssueJob, dmJob, fieldsJob, homeJob, resolveMentions, transitionJob } from '../workflows/notify/index.js';
import { requestReceiptJob, updateReceiptJob } from '../workflows/request/index.js';
import type { SideEffectDeps } from '../workflows/shared/deps.js';
import { jiraInboundJob, putBackJob, type JiraIssueHandler } from '../workflows/inbound/index.js';
import { auditCheckpointJob, auditVerifyJob } from '../workflows/evidence/index.js';
import { requestsExportJob } from '../workflows/insight/index.js';
import { driftCheckJob, driftFiledJob } from '../workflows/drift/index.js';
import {
  buildReviewJob,
  reviewerDmJob,
  reviewExportJob,
  reviewJiraIssueJob,
  reviewOpenedJob,
  reviewRevokeJob,
  reviewSettleJob,
  reviewSummaryJob,
} from '../workflows/review/index.js';
import {
  bundleOfferJob,
  issueCommentJob,
  lifecycleIssueJob,
  offboardSettleJob,
  profileCheckJob,
  profileSyncJob,
  suspendJob,
} from '../workflows/lifecycle/index.js';
import { reclaimEnforceJob, reclaimNoticeJob, reclaimScanJob, reclaimSettleJob } from '../workflows/reclaim/index.js';
import type { JobHandlers } from './worker.js';

/** `jiraIssueHandlers`: the kinds of Jira issue Keycard acts on (the composition root lists them). */
export function buildHandlers(deps: SideEffectDeps, jiraIssueHandlers: readonly JiraIssueHandler[] = []): JobHandlers {
  return {
    'jira.create': (job) => createIssueJob(deps, job),
    'jira.comment': (job) => commentJob(deps, job),
    'jira.transition': (job) => transitionJob(deps, job),
    'jira.fields': (job) => fieldsJob(deps, job),
    'slack.dm': (job) => dmJob(deps, job),
    'slack.approver_dm': (job) => approverDmJob(deps, job),
    'slack.update_step': (job) => updateStepJob(deps, job),
    'slack.alert': (job) => alertJob(deps, job),
    'slack.grant_notice': (job) => grantNoticeJob(deps, job),
    'slack.task': (job) => taskJob(deps, job),
    'slack.update_task': (job) => updateTaskJob(deps, job),
    'slack.request_receipt': (job) => requestReceiptJob(deps, job),
    'slack.update_receipt': (job) => updateReceiptJob(deps, job),
    'slack.home': (job) => homeJob(deps, job),
    'approval.route': (job) => routeStageJob(deps, job),
    'approval.escalate': (job) => escalateStepJob(deps, job),
    'idp.provision': (job) => provisionJob(deps, job),
    'idp.deprovision': (job) => deprovisionJob(deps, job),
    'idp.recheck_removal': (job) => recheckRemovalJob(deps, job),
    'audit.checkpoint': (job) => auditCheckpointJob(deps, job),
    'audit.verify': (job) => auditVerifyJob(deps, job),
    'review.jira_issue': (job) => reviewJiraIssueJob(deps, job),
    'review.build': (job) => buildReviewJob(deps, job),
    'review.opened': (job) => reviewOpenedJob(deps, job),
    'review.reviewer_dm': (job) => reviewerDmJob(deps, job),
    'review.revoke': (job) => reviewRevokeJob(deps, job),
    'review.settle': (job) => reviewSettleJob(deps, job),
    'review.summary': (job) => reviewSummaryJob(deps, job),
    'review.export': (job) => reviewExportJob(deps, job),
    'jira.labelled_issue': (job) => labelledIssueJob(deps, job),
    'jira.labelled_comment': (job) => labelledCommentJob(deps, job),
    'jira.attach_file': (job) => attachFileJob(deps, job),
    'slack.upload_file': (job) => fileDmJob(deps, job),
    'lifecycle.offboard_settle': (job) => offboardSettleJob(deps, job),
    'lifecycle.suspend': (job) => suspendJob(deps, job),
    'lifecycle.jira_issue': (job) => lifecycleIssueJob(deps, job),
    'lifecycle.issue_comment': (job) => issueCommentJob(deps, job),
    'lifecycle.profile_sync': (job) => profileSyncJob(deps, job),
    'lifecycle.profile_check': (job) => profileCheckJob(deps, job),
    'lifecycle.bundle_offer': (job) => bundleOfferJob(deps, job),
    'jira.inbound': (job) => jiraInboundJob(deps, jiraIssueHandlers, job),
    'jira.put_back': (job) => putBackJob(deps, job),
    'insight.export': (job) => requestsExportJob(deps, job),
    'drift.check': (job) => driftCheckJob(deps, job),
    'drift.filed': (job) => driftFiledJob(deps, job),
    'reclaim.scan': (job) => reclaimScanJob(deps, job),
    'reclaim.notice': (job) => reclaimNoticeJob(deps, job),
    'reclaim.enforce': (job) => reclaimEnforceJob(deps, job),
    'reclaim.settle': (job) => reclaimSettleJob(deps, job),
  };
}

/**
 * Creates the issue unless one carries the label. Always looks first (not only on a retry, as a request's
 * create does): a label may be queued again by a later run of the same feature, and an earlier create whose
 * answer was lost (a 5xx or a timeout after Jira filed it) must be found rather than filed twice.
 */
async function labelledIssueJob(deps: SideEffectDeps, job: JobOf<'jira.labelled_issue'>): Promise<void> {
  const { label, summary, description } = job.payload;
  const existing = await deps.ticketing.findIssueByLabel(label);
  if (existing) return;
  const issue = await deps.ticketing.createIssue({ summary, description, label });
  deps.logger.info({ jiraKey: issue.key, label }, 'Jira issue created for its label');
}

/** The issue with the label; retryable until it exists (its create runs first, and Jira's search lags a little). */
async function labelledIssue(deps: SideEffectDeps, label: string): Promise<CreatedIssue> {
  const issue = await deps.ticketing.findIssueByLabel(label);
  if (!issue) throw new RetryableError(`the Jira issue labelled ${label} is not created yet`);
  return issue;
}

function exportFile(deps: SideEffectDeps, fileId: number): ExportFileRow {
  const file = deps.store.files.get(fileId);
  if (!file) throw new PermanentError(`export file ${fileId} does not exist`);
  return file;
}

/** As for a request's comments: Keycard's text has its mentions written out, what a person typed stays as typed. */
async function renderLine(deps: SideEffectDeps, line: CommentLine): Promise<string> {
  if (typeof line === 'string') return resolveMentions(deps, line);
  const parts = await Promise.all(line.map((segment) => (typeof segment === 'string' ? resolveMentions(deps, segment) : segment.user)));
  return parts.join('');
}

async function labelledCommentJob(deps: SideEffectDeps, job: JobOf<'jira.labelled_comment'>): Promise<void> {
  const { label, lines } = job.payload;
  const issue = await labelledIssue(deps, label);
  const rendered = await Promise.all(lines.map((line) => renderLine(deps, line)));
  await deps.ticketing.addComment(issue.key, rendered);
}

/** A retry first checks whether an earlier attempt attached the file after all (same name and size). */
async function attachFileJob(deps: SideEffectDeps, job: JobOf<'jira.attach_file'>): Promise<void> {
  const { label, fileId } = job.payload;
  const file = exportFile(deps, fileId);
  const issue = await labelledIssue(deps, label);
  const ranBefore = job.attempts > 1 || job.lastError !== null;
  if (ranBefore) {
    const size = Buffer.byteLength(file.content, 'utf8');
    const attached = await deps.ticketing.listAttachments(issue.key);
    if (attached.some((a) => a.filename === file.name && a.size === size)) return;
  }
  await deps.ticketing.attachFile(issue.key, file.name, file.content, file.mimeType);
}

async function fileDmJob(deps: SideEffectDeps, job: JobOf<'slack.upload_file'>): Promise<void> {
  const { to, fileId, title, comment } = job.payload;
  const file = exportFile(deps, fileId);
  await deps.notifier.uploadFile(to, { name: file.name, title, content: file.content, comment });
}
