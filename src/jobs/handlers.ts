/**
 * Maps each job kind to the workflow that carries it out.
 */
import type { SideEffectDeps } from '../workflows/deps.js';
import { escalateStepJob } from '../workflows/escalate.js';
import { deprovisionJob } from '../workflows/expire.js';
import { homeJob } from '../workflows/home.js';
import { commentJob, createIssueJob, fieldsJob, transitionJob } from '../workflows/jira-sync.js';
import { alertJob, approverDmJob, dmJob, updateStepJob } from '../workflows/notify.js';
import { provisionJob } from '../workflows/provision.js';
import { requestReceiptJob } from '../workflows/receipt.js';
import { routeStageJob } from '../workflows/route.js';
import { grantNoticeJob } from '../workflows/warn.js';
import { taskJob, updateTaskJob } from '../workflows/fulfil.js';
import { auditCheckpointJob } from '../workflows/evidence/audit-checkpoint.js';
import { auditVerifyJob } from '../workflows/evidence/audit-verify.js';
import type { JobHandlers } from './worker.js';

export function buildHandlers(deps: SideEffectDeps): JobHandlers {
  return {
    'jira.create': (job) => createIssueJob(deps, job),
    'jira.comment': (job) => commentJob(deps, job),
    'jira.transition': (job) => transitionJob(deps, job),
    'slack.dm': (job) => dmJob(deps, job),
    'slack.approver_dm': (job) => approverDmJob(deps, job),
    'slack.update_step': (job) => updateStepJob(deps, job),
    'slack.alert': (job) => alertJob(deps, job),
    'slack.grant_notice': (job) => grantNoticeJob(deps, job),
    'slack.task': (job) => taskJob(deps, job),
    'slack.update_task': (job) => updateTaskJob(deps, job),
    'slack.request_receipt': (job) => requestReceiptJob(deps, job),
    'approval.escalate': (job) => escalateStepJob(deps, job),
    'jira.fields': (job) => fieldsJob(deps, job),
    'approval.route': (job) => routeStageJob(deps, job),
    'idp.provision': (job) => provisionJob(deps, job),
    'idp.deprovision': (job) => deprovisionJob(deps, job),
    'slack.home': (job) => homeJob(deps, job),
    'audit.checkpoint': (job) => auditCheckpointJob(deps, job),
    'audit.verify': (job) => auditVerifyJob(deps, job),
  };
}
