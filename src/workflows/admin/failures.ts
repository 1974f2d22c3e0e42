/**
 * Failures: what happens when a job has used its last attempt, and how an admin retries a failed request.
 */
import { accessLabel } from '../../domain/format.js';
import { isJobKind } from '../../store/job-kinds.js';
import type { Job, JobKind } from '../../store/jobs.repo.js';
import { jiraWords } from '../shared/jira-words.js';
import { alertWords, slackWords } from '../shared/slack-words.js';
import { moveRequest } from '../shared/transitions.js';
import { endingReasonOf, startRemoval } from '../grant/index.js';
import { reclaimScanDead } from '../reclaim/index.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { enqueueAlert, enqueueDeprovision, enqueueDm, enqueueJiraComment, enqueueProvision, enqueueRoute } from '../shared/effects.js';

/** What each kind of job does, for the alert when it fails for good: every kind must have words. */
const KIND_WORDS = {
  'jira.create': 'create the Jira issue',
  'jira.comment': 'comment on the Jira issue',
  'jira.transition': 'move the Jira issue',
  'slack.dm': 'send a Slack DM',
  'slack.approver_dm': 'send an approval request',
  'slack.update_step': 'update the approval messages',
  'approval.route': 'find the approvers',
  'idp.provision': 'add the user to the identity-provider groups',
  'idp.deprovision': 'remove the user from the identity-provider groups',
  'slack.grant_notice': 'send an "access ends soon" DM',
  'slack.request_receipt': 'send the request receipt DM',
  'slack.update_receipt': 'take the Cancel button off a receipt DM',
  'approval.escalate': 'escalate an approval',
  'jira.fields': 'set the Jira access dates',
  'slack.alert': 'post an alert',
  'slack.task': 'post a fulfilment task',
  'slack.update_task': 'update a fulfilment task',
  'slack.home': 'refresh an App Home',
  'idp.recheck_removal': 'check that removed memberships stayed removed',
  'audit.checkpoint': 'post an audit checkpoint to Jira',
  'audit.verify': 'verify the audit log',
  'review.jira_issue': "file an access review's Jira issue",
  'review.build': 'read the members of an access review from the identity providers',
  'review.opened': 'tell an admin an access review is ready',
  'review.reviewer_dm': 'ask a reviewer to review access',
  'review.revoke': 'remove access revoked in a review',
  'review.settle': 'confirm a revoke of an access review',
  'review.summary': "post an access review's summary to Jira",
  'review.export': "export an access review's evidence",
  'jira.labelled_issue': 'create a Jira issue',
  'jira.labelled_comment': 'comment on a Jira issue',
  'jira.attach_file': 'attach a file to a Jira issue',
  'slack.upload_file': 'send a file in a Slack DM',
  'lifecycle.offboard_settle': "report an offboarding's progress on Jira",
  'lifecycle.suspend': "suspend a leaver's account in the identity provider",
  'lifecycle.jira_issue': 'act on an offboarding or onboarding issue from Jira',
  'lifecycle.issue_comment': 'comment on an offboarding or onboarding issue in Jira',
  'lifecycle.profile_sync': 'start the profile sync',
  'lifecycle.profile_check': "read a person's profile from the identity provider",
  'lifecycle.bundle_offer': 'offer a bundle after a move',
  'jira.inbound': 'act on a change made in Jira',
  'jira.put_back': 'undo a change made in Jira that Keycard refused',
  'insight.export': 'export requests as CSV',
  'drift.check': 'check the catalog against the identity providers (drift)',
  'drift.filed': "tell an admin a drift report's Jira issue",
  'reclaim.scan': 'read the members and sign-ins of an app for auto reclaim',
  'reclaim.notice': 'send or update an auto reclaim DM',
  'reclaim.enforce': 'remove or downgrade access reclaimed for inactivity',
  'reclaim.settle': 'confirm a reclaim once its removal ended',
} as const satisfies Record<JobKind, string>;

const QUEUE = { kind: 'system', reason: 'job queue' } as const;

/**
 * Messages to one person. They keep their order (`dm:<user>`) only so a person reads "filed as ACCESS-1"
 * before "you now have it"; none needs the one before it to have arrived. So a dead one releases its key at
 * once (on record, alerted, retryable by job id) instead of holding back every later message to that person.
 */
const INDEPENDENT_NOTIFICATIONS: ReadonlySet<string> = new Set<JobKind>(['slack.dm', 'slack.request_receipt', 'slack.grant_notice', 'reclaim.notice']);

/** Runs inside the transaction that marks `job` dead. */
export function onJobDead(deps: WorkflowDeps, job: Job, error: string): void {
  const { store } = deps;
  const now = deps.clock.now();
  const what = isJobKind(job.kind) ? KIND_WORDS[job.kind] : `run a job of unknown kind '${job.kind}'`;
  store.audit.append({ at: now, actor: QUEUE, action: 'job.dead', requestId: job.requestId, data: { jobId: job.id, kind: job.kind, attempts: job.attempts, error } });
  if (job.kind === 'slack.alert') return; // nowhere left to say it; the log has it
  if (job.kind === 'slack.home') {
    // A Home is re-rendered on the next change or when opened: a failed refresh must not hold back later ones.
    store.jobs.release(job.id, now);
    return;
  }
  if (job.kind === 'reclaim.scan') {
    // The run fails (its admin, else the alert channel, is told) and the provider's later scans go ahead.
    reclaimScanDead(deps, job, error);
    return;
  }
  const requestId = job.requestId;
  const request = requestId !== null ? store.requests.get(requestId) : undefined;
  const about = request ? { id: request.id, what: accessLabel(request.snapshot.appName, request.snapshot.roleName), requester: request.requesterSlackId } : null;
  const retry = request ? `\`/access-admin retry ${request.id}\`` : `\`/access-admin retry job ${job.id}\``;
  if (INDEPENDENT_NOTIFICATIONS.has(job.kind)) {
    store.jobs.skip(job.id, now);
    enqueueAlert(store, alertWords.notificationDead(what, about, job.attempts, error, job.id), now, requestId);
    return;
  }
  if (!request) {
    enqueueAlert(store, alertWords.jobDead(what, about, job.attempts, error, retry, job.id), now, requestId);
    return;
  }
  // The requester and Jira get plain words; the technical detail (`error`) goes to the alert channel only.
  if (job.kind === 'approval.route' && request.status === 'pending_approval') {
    enqueueAlert(store, alertWords.jobDead(what, about, job.attempts, error, retry, job.id), now, requestId);
    enqueueDm(store, request.requesterSlackId, slackWords.routingFailed(accessLabel(request.snapshot.appName, request.snapshot.roleName)), now, request.id);
    enqueueJiraComment(store, request.id, [jiraWords.routingFailed(job.attempts)], now);
    return;
  }
  if (job.kind === 'idp.provision' && moveRequest(store, request.id, { from: ['approved', 'provisioning'], to: 'failed', actor: QUEUE, data: { error }, set: { failureReason: error } }, now)) {
    const undo = undoProvisioning(deps, request.id, error, now);
    const groups = request.snapshot.groups.length;
    const undoing = undo && undo.added.length > 0 ? [jiraWords.provisioningUndoing(undo.added, undo.notAdded)] : [];
    enqueueJiraComment(store, request.id, [jiraWords.provisioningFailed(job.attempts, groups), ...undoing], now);
    enqueueDm(store, request.requesterSlackId, slackWords.provisioningFailed(accessLabel(request.snapshot.appName, request.snapshot.roleName), groups), now, request.id);
    if (undo && about && undo.added.length > 0) enqueueAlert(store, alertWords.provisioningUndone(about, job.attempts, undo.added, undo.notAdded, error), now, requestId);
    else enqueueAlert(store, alertWords.jobDead(what, about, job.attempts, error, retry, job.id), now, requestId);
    return;
  }
  const stuck = job.kind === 'idp.deprovision' ? store.grants.forRequest(request.id) : undefined;
  if (stuck && about && stuck.status === 'ending' && stuck.provider !== 'manual') {
    const held = store.grants.held(stuck.id).map((g) => ({ group: g.groupId, error: g.lastError }));
    enqueueAlert(store, alertWords.removalStuck(about, job.attempts, held), now, requestId);
    enqueueJiraComment(store, request.id, [jiraWords.removalStuck(held)], now);
    return;
  }
  enqueueAlert(store, alertWords.jobDead(what, about, job.attempts, error, retry, job.id), now, requestId);
}

/**
 * A provisioning that failed for good keeps nothing: what it added (on record as held) is removed again
 * through the one removal path, and the grant ends `rolled_back`. Null when there was no grant yet (the
 * failure came before any group was touched). Runs in the transaction that marks the job dead.
 */
function undoProvisioning(deps: WorkflowDeps, requestId: number, error: string, now: Date): { added: string[]; notAdded: string[] } | null {
  const { store } = deps;
  const grant = store.grants.forRequest(requestId);
  if (!grant || grant.status !== 'provisioning') return null;
  const added = store.grants.held(grant.id).map((g) => g.groupId);
  const notAdded = grant.groups.filter((g) => !added.includes(g));
  startRemoval(store, grant, 'rolled_back', QUEUE, { error, added, notAdded }, now);
  return { added, notAdded };
}

export type SkipResult = { kind: 'skipped'; job: Job } | { kind: 'not_dead'; status: string } | { kind: 'not_found' };

/**
 * An admin closes a dead job that will never succeed, so the later jobs of its key (a request's Jira
 * comments, its provisioning steps) go ahead. The job is not run; it and its error stay on record, and the
 * skip is audited with the admin and the job.
 */
export function skipJob(deps: WorkflowDeps, adminSlackId: string, jobId: number): SkipResult {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const job = store.jobs.get(jobId);
    if (!job) return { kind: 'not_found' } as const;
    if (!store.jobs.skip(jobId, now)) return { kind: 'not_dead', status: job.status } as const;
    store.audit.append({
      at: now,
      actor: { kind: 'user', slackId: adminSlackId },
      action: 'job.skipped',
      requestId: job.requestId,
      data: { jobId, kind: job.kind, orderKey: job.orderKey, error: job.lastError },
    });
    return { kind: 'skipped', job } as const;
  });
}

export type RetryResult =
  | { kind: 'retried'; jobs: number }
  | { kind: 'removal_retried'; held: readonly string[] }
  | { kind: 'not_found' }
  | { kind: 'nothing_to_retry'; status: string };

/**
 * An admin puts a failed request's dead jobs back in the queue. A grant whose removal stopped (access that
 * ended, or a failed provisioning being undone) comes first: only its removal runs again, and only for
 * the groups it still holds; a failed request is re-provisioned from scratch by a retry after that.
 */
export function retryRequest(deps: WorkflowDeps, requestId: number, adminSlackId: string): RetryResult {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const request = store.requests.get(requestId);
    if (!request) return { kind: 'not_found' } as const;
    const grant = store.grants.forRequest(requestId);
    if (grant?.status === 'ending' && grant.provider !== 'manual') {
      const held = store.grants.held(grant.id).map((g) => g.groupId);
      // Only the removal: a provisioning retried now would wait behind it, find the grant ending and stop.
      const jobs = store.jobs.retryDead({ requestId, kind: 'idp.deprovision' }, now);
      if (jobs === 0 && !store.jobs.hasLive('idp.deprovision', requestId)) enqueueDeprovision(store, requestId, grant.id, endingReasonOf(grant), now);
      store.audit.append({ at: now, actor: { kind: 'user', slackId: adminSlackId }, action: 'request.retried', requestId, data: { removal: true, held } });
      return { kind: 'removal_retried', held } as const;
    }
    const failed = request.status === 'failed';
    const admin = { kind: 'user', slackId: adminSlackId } as const;
    // A manual app has no dead job to re-run: provisioning opens a new fulfilment task.
    if (failed && request.snapshot.provider === 'manual') enqueueProvision(store, requestId, now);
    const endingManual = request.snapshot.provider === 'manual' ? store.grants.forRequest(requestId) : undefined;
    if (endingManual?.status === 'ending' && !store.tasks.openFor(requestId, 'revoke')) {
      enqueueDeprovision(store, requestId, endingManual.id, 'revoked', now);
    }
    let jobs = store.jobs.retryDead({ requestId }, now);
    if (request.status === 'pending_approval' && !store.requests.stepFor(requestId, request.currentStage)) {
      // Routing found nobody earlier (see approval/route.ts): try again with today's catalog and admins.
      enqueueRoute(store, requestId, request.currentStage, now);
      jobs += 1;
    }
    if (!failed && jobs === 0) return { kind: 'nothing_to_retry', status: request.status } as const;
    if (failed) moveRequest(store, requestId, { from: 'failed', to: 'approved', actor: admin, action: 'request.retried', data: { jobs }, set: { failureReason: null } }, now);
    else store.audit.append({ at: now, actor: admin, action: 'request.retried', requestId, data: { jobs } });
    return { kind: 'retried', jobs } as const;
  });
}
