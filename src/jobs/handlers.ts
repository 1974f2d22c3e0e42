/**
 * Maps each job kind to the workflow that carries it out. The type requires a handler for every kind in
 * src/store/job-kinds.ts, each given its own kind's payload.
 */
import { approverDmJob, escalateStepJob, routeStageJob, updateStepJob } from '../workflows/approval/index.js';
import { taskJob, updateTaskJob } from '../workflows/fulfilment/index.js';
import { deprovisionJob, grantNoticeJob, provisionJob, recheckRemovalJob } from '../workflows/grant/index.js';
import { alertJob, commentJob, createIssueJob, dmJob, fieldsJob, homeJob, transitionJob } from '../workflows/notify/index.js';
import { requestReceiptJob, updateReceiptJob } from '../workflows/request/index.js';
import type { SideEffectDeps } from '../workflows/shared/deps.js';
import { auditCheckpointJob, auditVerifyJob } from '../workflows/evidence/index.js';
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
import type { JobHandlers } from './worker.js';

export function buildHandlers(deps: SideEffectDeps): JobHandlers {
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
  };
}
